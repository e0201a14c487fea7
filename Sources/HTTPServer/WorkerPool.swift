#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import Dispatch
import DequeModule
import Support

/// A fixed number of threads taking jobs from a bounded FIFO queue.
///
/// Handlers block (they make Thrift calls), so they run here rather than on Dispatch's
/// small shared pool. `submit` refuses when the queue is full: the caller answers 503 at once
/// instead of letting the queue grow without end.
final class WorkerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var jobs = Deque<Job>()
        var stopping = false
        var waitingCount: Int { jobs.count }
    }

    let capacity: Int
    private let state = Locked(State())
    private let jobAvailable = DispatchSemaphore(value: 0)
    private let running = DispatchGroup()
    private let threadCount: Int

    init(threadCount: Int, capacity: Int, name: String = "http-worker") {
        self.threadCount = max(1, threadCount)
        self.capacity = max(1, capacity)
        for index in 0..<self.threadCount {
            running.enter()
            startThread(name: "\(name)-\(index)") { [self] in
                self.runLoop()
                self.running.leave()
            }
        }
    }

    /// Queues `job`; false when the queue already holds `capacity` waiting jobs or the pool stopped.
    func submit(_ job: @escaping Job) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.stopping, state.waitingCount < capacity else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { jobAvailable.signal() }
        return accepted
    }

    /// Jobs queued and not yet taken by a worker.
    var waitingCount: Int { state.withLock { $0.waitingCount } }

    /// Lets queued jobs run, then ends every thread; waits until `deadline` for them to finish.
    /// Returns true when all threads ended.
    @discardableResult
    func stop(deadline: Deadline) -> Bool {
        state.withLock { $0.stopping = true }
        for _ in 0..<threadCount { jobAvailable.signal() }
        let millis = Int(deadline.remainingMilliseconds)
        return running.wait(timeout: .now() + .milliseconds(millis)) == .success
    }

    private func runLoop() {
        while true {
            jobAvailable.wait()
            let next = state.withLock { state -> (job: Job?, stop: Bool) in
                if let job = state.jobs.popFirst() { return (job, false) }
                return (nil, state.stopping)
            }
            if let job = next.job {
                job()
            } else if next.stop {
                // Pass the wake-up on so every sibling sees the stop too.
                jobAvailable.signal()
                return
            }
        }
    }
}

/// Runs `body` on a new detached POSIX thread (handlers need real threads that may block).
func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        let name: String
        init(_ body: @escaping @Sendable () -> Void, name: String) {
            self.body = body
            self.name = name
        }
    }
    let box = Unmanaged.passRetained(Box(body, name: name)).toOpaque()
    #if canImport(Glibc)
    var thread = pthread_t()
    #else
    var thread: pthread_t?
    #endif
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    let rc = pthread_create(&thread, &attributes, { argument in
        guard let argument else { return nil }
        let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
        box.body()
        return nil
    }, box)
    pthread_attr_destroy(&attributes)
    if rc != 0 {
        // No thread: run nothing, but release the box.
        Unmanaged<Box>.fromOpaque(box).release()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@preconcurrency import Dispatch
import DequeModule
import Support
import Synchronization

/// A fixed number of threads taking jobs from a bounded FIFO queue.
///
/// Handlers block (they make Thrift calls), so they run here rather than on Dispatch's
/// small shared pool. `submit` refuses when the queue is full: the caller answers 503 at once
/// instead of letting the queue grow without end.
///
/// A worker that finished a job may stay with its connection for the next request (see
/// `HTTPConnection`), but only while no job waits: a staying worker asks `mayStay` (lock-free:
/// it asks once per request) after each request and after its first short wait. A worker
/// whose connection stays quiet longer waits in `poll` as a *holder*: a job submitted when no
/// thread is idle and some hold writes a byte to the wake pipe, which holders watch, and the
/// one that takes it comes back for the job. A keep-alive group's leader (`KeepAliveGroup`)
/// holds too, every time it waits in `poll` (`beginLeading`).
final class WorkerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var jobs = Deque<Job>()
        var stopping = false
        /// Threads waiting for a job.
        var idle = 0
        /// Threads waiting in `poll` on a quiet connection between its requests.
        var holding = 0
        var waitingCount: Int { jobs.count }
    }

    let capacity: Int
    private let state = Locked(State())
    private let jobAvailable = DispatchSemaphore(value: 0)
    private let running = DispatchGroup()
    private let threadCount: Int
    /// `state.jobs.count`, and whether the pool stops, for `mayStay` without the lock.
    private let queuedJobs = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// Wakes holders (`holdWakeDescriptor` is its read end).
    private let holdWake = WakePipe()

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
        let (accepted, wakeHolder) = state.withLock { state -> (Bool, Bool) in
            guard !state.stopping, state.waitingCount < capacity else { return (false, false) }
            state.jobs.append(job)
            queuedJobs.store(state.jobs.count, ordering: .releasing)
            return (true, state.idle == 0 && state.holding > 0)
        }
        if accepted { jobAvailable.signal() }
        if wakeHolder {
            // Full pipe: enough holders are being woken already.
            holdWake.wake()
        }
        return accepted
    }

    /// Jobs queued and not yet taken by a worker.
    var waitingCount: Int { state.withLock { $0.waitingCount } }

    /// Whether a thread waits for a job: handing a request over then costs one wake-up.
    var hasIdleThread: Bool { state.withLock { $0.idle > 0 } }

    /// Whether a worker may (go on) staying with its connection: no job waits for a thread
    /// and the pool is not stopping.
    var mayStay: Bool {
        queuedJobs.load(ordering: .acquiring) == 0 && !stopped.load(ordering: .acquiring)
    }

    /// Called before a staying worker waits in `poll` (a quiet connection): false (stay not)
    /// when jobs wait or the pool stops. Each true is paired with `endHolding()`.
    func beginHolding() -> Bool {
        state.withLock { state in
            guard state.jobs.isEmpty, !state.stopping else { return false }
            state.holding += 1
            return true
        }
    }

    /// `beginHolding` for a keep-alive group's leader, which serves many connections and so
    /// gives way only when waiting jobs outnumber idle threads (a job it just queued itself
    /// is about to be taken).
    func beginLeading() -> Bool {
        state.withLock { state in
            guard state.jobs.count <= state.idle, !state.stopping else { return false }
            state.holding += 1
            return true
        }
    }

    func endHolding() {
        state.withLock { $0.holding -= 1 }
    }

    /// Readable when a job waits for a holder (`poll` it beside the connection's socket).
    var holdWakeDescriptor: Int32 { holdWake.descriptor }

    /// Takes one wake-up; false when another holder took it first.
    func takeHoldWake() -> Bool {
        holdWake.take()
    }

    /// Lets queued jobs run, then ends every thread; waits until `deadline` for them to finish.
    /// Returns true when all threads ended.
    @discardableResult
    func stop(deadline: Deadline) -> Bool {
        let holders = state.withLock { state in
            state.stopping = true
            return state.holding
        }
        stopped.store(true, ordering: .releasing)
        for _ in 0..<threadCount { jobAvailable.signal() }
        // Holders wait in `poll` for up to a second at a time: wake them to see the stop.
        for _ in 0..<holders { holdWake.wake() }
        let millis = Int(deadline.remainingMilliseconds)
        return running.wait(timeout: .now() + .milliseconds(millis)) == .success
    }

    private func runLoop() {
        while true {
            state.withLock { $0.idle += 1 }
            jobAvailable.wait()
            let next = state.withLock { state -> (job: Job?, stop: Bool) in
                state.idle -= 1
                if let job = state.jobs.popFirst() {
                    queuedJobs.store(state.jobs.count, ordering: .releasing)
                    return (job, false)
                }
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

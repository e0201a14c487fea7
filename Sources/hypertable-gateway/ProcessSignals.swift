import Foundation
import Support

/// The signals the process acts on: SIGTERM and SIGINT stop it gracefully, SIGHUP reloads.
///
/// Taken by one thread with `sigwait(3)` while every thread blocks them, so a signal stays
/// pending until that thread takes it, whenever it arrives. Dispatch signal sources were used
/// before, with the signals ignored (`SIG_IGN`): on Linux such a source reads a signalfd, which
/// sees a signal only while the threads block it, and a process-directed signal that found a
/// thread not blocking it was discarded. About one start in a hundred under load lost its
/// SIGTERM that way, and the process never stopped.
///
/// `start()` must run before the process starts any thread (threads inherit the mask that
/// blocks the signals); both commands call it first.
final class ProcessSignals: Sendable {
    private static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    private let stopRequested = DispatchSemaphore(value: 0)
    private let reloadHandler = Locked<(@Sendable () -> Void)?>(nil)

    private init() {}

    /// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and so in every thread it starts
    /// later) and starts the thread that takes them.
    static func start() -> ProcessSignals {
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let signals = ProcessSignals()
        let thread = Thread { signals.takeSignals() }
        thread.name = "signals"
        thread.start()
        return signals
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        return set
    }

    private func takeSignals() {
        var set = Self.signalSet()
        while true {
            var received: Int32 = 0
            guard sigwait(&set, &received) == 0 else { continue }
            if received == SIGHUP {
                // Without a handler yet (still starting) a SIGHUP has nothing to reread.
                reloadHandler.current?()
            } else {
                stopRequested.signal()
            }
        }
    }

    /// From now on each SIGHUP calls `handler` on the signal thread.
    func onReload(_ handler: @escaping @Sendable () -> Void) {
        reloadHandler.withLock { $0 = handler }
    }

    /// Blocks until the first SIGTERM or SIGINT; SIGHUP no longer reloads after it.
    func waitForStop() {
        stopRequested.wait()
        reloadHandler.withLock { $0 = nil }
    }
}

import Dispatch
import Support
import TestSupport
import XCTest
@testable import HTTPServer

/// The pool's side of worker stays: a worker may stay with its connection only while no job
/// waits for a thread and the pool runs; one waiting in `poll` on a quiet connection is woken
/// for a job. The test thread plays the staying worker.
final class WorkerPoolTests: XCTestCase {
    /// A pool of one thread, busy until `release` is signalled.
    private func busyPool() -> (pool: WorkerPool, release: DispatchSemaphore) {
        let pool = WorkerPool(threadCount: 1, capacity: 8)
        let release = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.submit { release.wait() })
        XCTAssertTrue(eventually { !pool.hasIdleThread && pool.waitingCount == 0 }, "the only thread is busy")
        return (pool, release)
    }

    func testAJobWaitingForAThreadEndsStays() {
        let (pool, release) = busyPool()
        defer { pool.stop(deadline: .after(seconds: 2)) }
        let secondRan = DispatchSemaphore(value: 0)

        XCTAssertTrue(pool.mayStay, "no job waits: a worker may stay")
        XCTAssertTrue(pool.submit { secondRan.signal() })
        XCTAssertFalse(pool.mayStay, "a job waits: no worker may stay")

        release.signal()
        XCTAssertEqual(secondRan.wait(timeout: .now() + 10), .success)
        XCTAssertTrue(eventually { pool.mayStay }, "the job was taken: workers may stay again")
    }

    /// A worker waiting in `poll` on a quiet connection (a holder) is woken through the pipe
    /// when a job waits and no thread is idle.
    func testAJobWaitingWithNoIdleThreadWakesOneHolder() {
        let (pool, release) = busyPool()
        defer { pool.stop(deadline: .after(seconds: 2)) }
        let secondRan = DispatchSemaphore(value: 0)

        XCTAssertTrue(pool.beginHolding(), "no job waits: a worker may hold")
        XCTAssertFalse(pool.takeHoldWake(), "nothing to wake for yet")
        XCTAssertTrue(pool.submit { secondRan.signal() })
        XCTAssertTrue(pool.takeHoldWake(), "the waiting job woke the holder")
        XCTAssertFalse(pool.takeHoldWake(), "one wake-up per waiting job")
        pool.endHolding()
        XCTAssertFalse(pool.beginHolding(), "a job waits: no worker may hold")

        release.signal()
        XCTAssertEqual(secondRan.wait(timeout: .now() + 10), .success)
    }

    func testAJobAnIdleThreadCanTakeWakesNoHolder() {
        let pool = WorkerPool(threadCount: 2, capacity: 8)
        defer { pool.stop(deadline: .after(seconds: 2)) }
        XCTAssertTrue(eventually { pool.hasIdleThread })
        XCTAssertTrue(pool.beginHolding())
        let ran = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.submit { ran.signal() })
        XCTAssertEqual(ran.wait(timeout: .now() + 10), .success)
        XCTAssertFalse(pool.takeHoldWake())
        pool.endHolding()
    }

    func testAStoppedPoolLetsNoWorkerStay() {
        let pool = WorkerPool(threadCount: 1, capacity: 8)
        XCTAssertTrue(pool.mayStay)
        XCTAssertTrue(pool.stop(deadline: .after(seconds: 5)))
        XCTAssertFalse(pool.mayStay)
        XCTAssertFalse(pool.beginHolding())
        XCTAssertFalse(pool.beginLeading())
    }

    func testStoppingWakesEveryHolder() {
        let pool = WorkerPool(threadCount: 1, capacity: 8)
        XCTAssertTrue(pool.beginHolding())
        XCTAssertTrue(pool.beginLeading())
        XCTAssertTrue(pool.stop(deadline: .after(seconds: 5)))
        XCTAssertTrue(pool.takeHoldWake())
        XCTAssertTrue(pool.takeHoldWake())
        XCTAssertFalse(pool.takeHoldWake(), "one wake-up per holder")
        pool.endHolding()
        pool.endHolding()
    }

    /// A leader serves many connections: it gives way only when jobs outnumber idle threads.
    func testALeaderGivesWayOnlyToJobsNoIdleThreadCanTake() {
        let (pool, release) = busyPool()
        defer { pool.stop(deadline: .after(seconds: 2)) }
        XCTAssertTrue(pool.beginLeading())
        pool.endHolding()
        XCTAssertTrue(pool.submit {})
        XCTAssertFalse(pool.beginLeading(), "a job waits and no thread is idle")
        release.signal()
        XCTAssertTrue(eventually { pool.waitingCount == 0 && pool.hasIdleThread })
        XCTAssertTrue(pool.beginLeading())
        pool.endHolding()
    }
}

import Dispatch
import Support
import TestSupport
import XCTest
@testable import HTTPServer

/// The pool's side of worker stays: who may stay, and the wake-up a waiting job sends to a
/// staying worker. The test thread plays the staying worker.
final class WorkerPoolTests: XCTestCase {
    func testAJobWaitingWithNoIdleThreadWakesOneStayingWorker() {
        let pool = WorkerPool(threadCount: 1, capacity: 8)
        defer { pool.stop(deadline: .after(seconds: 2)) }
        let release = DispatchSemaphore(value: 0)
        let secondRan = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.submit { release.wait() })
        XCTAssertTrue(eventually { !pool.hasIdleThread && pool.waitingCount == 0 }, "the only thread is busy")

        XCTAssertTrue(pool.beginHolding(), "no job waits: a worker may stay")
        XCTAssertFalse(pool.takeHoldWake(), "nothing to wake for yet")
        XCTAssertTrue(pool.submit { secondRan.signal() })
        XCTAssertTrue(pool.takeHoldWake(), "the waiting job woke the staying worker")
        XCTAssertFalse(pool.takeHoldWake(), "one wake-up per waiting job")
        pool.endHolding()
        XCTAssertFalse(pool.beginHolding(), "a job waits: no worker may stay")

        release.signal()
        XCTAssertEqual(secondRan.wait(timeout: .now() + 10), .success)
    }

    func testAJobAnIdleThreadCanTakeWakesNoStayingWorker() {
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
        XCTAssertTrue(pool.stop(deadline: .after(seconds: 5)))
        XCTAssertFalse(pool.beginHolding())
    }
}

import Dispatch
import Support
import TestSupport
import XCTest
@testable import HTTPServer

/// The pool's side of worker stays: a worker may stay with its connection only while no job
/// waits for a thread and the pool runs. The test thread plays the staying worker.
final class WorkerPoolTests: XCTestCase {
    func testAJobWaitingForAThreadEndsStays() {
        let pool = WorkerPool(threadCount: 1, capacity: 8)
        defer { pool.stop(deadline: .after(seconds: 2)) }
        let release = DispatchSemaphore(value: 0)
        let secondRan = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.submit { release.wait() })
        XCTAssertTrue(eventually { !pool.hasIdleThread && pool.waitingCount == 0 }, "the only thread is busy")

        XCTAssertTrue(pool.mayStay, "no job waits: a worker may stay")
        XCTAssertTrue(pool.submit { secondRan.signal() })
        XCTAssertFalse(pool.mayStay, "a job waits: no worker may stay")

        release.signal()
        XCTAssertEqual(secondRan.wait(timeout: .now() + 10), .success)
        XCTAssertTrue(eventually { pool.mayStay }, "the job was taken: workers may stay again")
    }

    func testAStoppedPoolLetsNoWorkerStay() {
        let pool = WorkerPool(threadCount: 1, capacity: 8)
        XCTAssertTrue(pool.mayStay)
        XCTAssertTrue(pool.stop(deadline: .after(seconds: 5)))
        XCTAssertFalse(pool.mayStay)
    }
}

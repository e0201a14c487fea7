import BrokerTestKit
import HypertableClient
import Support
import TestSupport
import XCTest

final class PoolShutdownTests: XCTestCase {
    func testShutdownClosesIdleConnectionsNamespacesFirst() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 2, maxOverflow: 0))
        let a = try pool.checkout()
        let b = try pool.checkout()
        _ = try a.namespace("test")
        _ = try a.namespace("/")
        pool.checkin(a)
        pool.checkin(b)

        pool.shutdown()
        XCTAssertEqual(factory.closedCount, 2)
        XCTAssertEqual(pool.statistics.idle, 0)
        XCTAssertEqual(pool.statistics.open, 0)
        let log = factory.services[0].callLog
        XCTAssertEqual(Array(log.suffix(3).prefix(2).map { $0.hasPrefix("namespaceClose(") }), [true, true])
        XCTAssertEqual(log.last, "close")
        XCTAssertTrue(factory.services[0].openNamespaces.isEmpty)
    }

    func testShutdownFailsWaitersPromptly() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0, waitTimeoutMilliseconds: 600_000))
        let held = try pool.checkout()
        let waiter = PoolTestThread { () -> String in
            do {
                _ = try pool.checkout()
                return "got a connection"
            } catch {
                if case .poolClosed? = error as? ConnectionPoolError { return "poolClosed" }
                return "\(error)"
            }
        }
        XCTAssertTrue(eventually { pool.statistics.waiting == 1 })
        pool.shutdown()
        // Bounded join: the waiter would otherwise sit out its 10-minute timeout.
        XCTAssertEqual(waiter.join(seconds: 20), "poolClosed")
        pool.checkin(held)
    }

    func testShutdownClosesBorrowedConnectionsWhenTheyComeBack() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 2, maxOverflow: 0))
        let held = try pool.checkout()
        _ = try held.namespace("test")
        pool.shutdown()
        XCTAssertEqual(factory.closedCount, 0)

        pool.checkin(held)
        XCTAssertEqual(factory.closedCount, 1)
        XCTAssertEqual(pool.statistics.open, 0)
        let log = factory.services[0].callLog
        XCTAssertEqual(log.suffix(2).first?.hasPrefix("namespaceClose("), true)
        XCTAssertEqual(log.last, "close")
    }

    func testCheckoutAfterShutdownFails() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 2, maxOverflow: 0))
        pool.shutdown()
        XCTAssertTrue(pool.isShutDown)
        XCTAssertThrowsError(try pool.checkout()) { error in
            guard case .poolClosed? = error as? ConnectionPoolError else {
                return XCTFail("expected poolClosed, got \(error)")
            }
        }
        XCTAssertEqual(factory.createdCount, 0)
    }

    func testConnectionOpenedDuringShutdownIsClosed() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 2, maxOverflow: 0))
        factory.holdConnects()
        let borrower = PoolTestThread { () -> Bool in
            do {
                _ = try pool.checkout()
                return false
            } catch {
                if case .poolClosed? = error as? ConnectionPoolError { return true }
                return false
            }
        }
        XCTAssertTrue(eventually { factory.connectsWaitingAtGate == 1 })
        pool.shutdown()
        factory.releaseConnects()
        XCTAssertEqual(borrower.join(), true)
        XCTAssertEqual(factory.createdCount, 1)
        XCTAssertEqual(factory.closedCount, 1)
        XCTAssertEqual(pool.statistics.open, 0)
    }
}

import BrokerTestKit
import HypertableClient
import XCTest

/// An idle connection whose broker went away is dropped when it would be lent, so the
/// borrower gets a working one instead of a transport error.
final class PoolLivenessTests: XCTestCase {
    func testDeadIdleConnectionsAreReplacedOnCheckout() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 2, maxOverflow: 0, waitTimeoutMilliseconds: 100))
        let first = try pool.checkout()
        let second = try pool.checkout()
        pool.checkin(first)
        pool.checkin(second)
        for service in factory.services { service.dieWhileIdle() }

        let borrowed = try pool.checkout()
        let service = try XCTUnwrap(borrowed.service as? FakeHypertableService)
        XCTAssertFalse(service.isDeadWhileIdle)
        XCTAssertEqual(factory.createdCount, 3)
        XCTAssertEqual(pool.statistics.totalDiscarded, 2)
        XCTAssertEqual(pool.statistics.idle, 0)
        pool.checkin(borrowed)
        XCTAssertEqual(pool.statistics.open, 1)
    }

    func testLiveIdleConnectionsAreReused() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0))
        let connection = try pool.checkout()
        pool.checkin(connection)
        let again = try pool.checkout()
        XCTAssertEqual(again.id, connection.id)
        XCTAssertEqual(factory.createdCount, 1)
        pool.checkin(again)
    }
}

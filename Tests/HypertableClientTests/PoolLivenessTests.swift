import BrokerTestKit
import HypertableClient
import XCTest

/// An idle connection whose broker went away is dropped when it would be lent, so the
/// borrower gets a working one instead of a transport error.
final class PoolLivenessTests: XCTestCase {
    /// A pool of `size` connections, all idle and all dead (their broker went away), and their ids.
    private func poolWithDeadIdleConnections(_ size: Int) throws -> (FakeHypertableFactory, ConnectionPool, Set<UInt64>) {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: size, maxOverflow: 0, waitTimeoutMilliseconds: 100))
        let borrowed = try (0..<size).map { _ in try pool.checkout() }
        for connection in borrowed { pool.checkin(connection) }
        for service in factory.services { service.dieWhileIdle() }
        return (factory, pool, Set(borrowed.map(\.id)))
    }

    func testDeadIdleConnectionsAreReplacedOnCheckout() throws {
        let (factory, pool, _) = try poolWithDeadIdleConnections(2)

        let borrowed = try pool.checkout()
        let service = try XCTUnwrap(borrowed.service as? FakeHypertableService)
        XCTAssertFalse(service.isDeadWhileIdle)
        XCTAssertEqual(factory.createdCount, 3)
        XCTAssertEqual(pool.statistics.totalDiscarded, 2)
        XCTAssertEqual(pool.statistics.idle, 0)
        pool.checkin(borrowed)
        XCTAssertEqual(pool.statistics.open, 1)
    }

    /// A read that may run again is lent an idle connection without the probe (a system call
    /// per request saved); when that connection is dead, its call fails and the second
    /// attempt, which probes, runs on a live one.
    func testReadSkipsTheProbeAndRunsAgainOnALiveConnection() throws {
        let (factory, pool, dead) = try poolWithDeadIdleConnections(2)

        var attempts: [UInt64] = []
        let tables = try pool.withConnection(retryingRead: true) { connection in
            attempts.append(connection.id)
            return try connection.service.getTables(connection.service.namespaceOpen("test"))
        }
        XCTAssertEqual(tables, [String]())
        // The first attempt ran on a dead connection (not probed); the second probed the
        // other dead one away and ran on a new connection.
        XCTAssertEqual(attempts.count, 2)
        XCTAssertTrue(dead.contains(attempts[0]))
        XCTAssertFalse(dead.contains(attempts[1]))
        XCTAssertEqual(pool.retriedReadCount, 1)
        XCTAssertEqual(factory.createdCount, 3)
        XCTAssertEqual(pool.statistics.totalDiscarded, 2)
    }

    /// A write is never run twice, so its connection is probed before it is lent.
    func testWriteProbesBeforeItsOnlyAttempt() throws {
        let (_, pool, dead) = try poolWithDeadIdleConnections(1)

        let used = try pool.withConnection(retryingRead: false) { connection in
            _ = try connection.service.getTables(connection.service.namespaceOpen("test"))
            return connection.id
        }
        XCTAssertFalse(dead.contains(used))
        XCTAssertEqual(pool.retriedReadCount, 0)
        XCTAssertEqual(pool.statistics.totalDiscarded, 1)
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

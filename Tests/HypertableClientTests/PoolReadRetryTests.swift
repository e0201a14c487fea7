import BrokerTestKit
@testable import HypertableClient
import Support
import Thrift
import XCTest

/// A read whose connection breaks without an answer runs once more on a fresh connection;
/// writes, timeouts and broker answers never do.
final class PoolReadRetryTests: XCTestCase {
    private func pool(_ factory: FakeHypertableFactory) -> ConnectionPool {
        factory.makePool(PoolConfiguration(size: 2, maxOverflow: 0, waitTimeoutMilliseconds: 1000))
    }

    /// Lends the pool's first connection once and arms it to fail its next call with `error`.
    private func armFirstConnection(_ pool: ConnectionPool, with error: any Error) throws {
        try pool.withConnection { ($0.service as? FakeHypertableService)?.failNextCall(with: error) }
    }

    func testAReadOnABrokenConnectionRunsOnceMoreOnAFreshOne() throws {
        let factory = FakeHypertableFactory()
        let pool = pool(factory)
        try armFirstConnection(pool, with: BrokerCallError.connectionFailed(context: "get_tables", reason: "connection closed"))
        let tables = try pool.withConnection(retryingRead: true) { connection in
            try connection.withNamespace("test") { try connection.service.getTables($0) }
        }
        XCTAssertEqual(tables, [])
        XCTAssertEqual(pool.retriedReadCount, 1)
        XCTAssertEqual(factory.createdCount, 2, "the broken connection was closed and a fresh one made")
    }

    func testAWriteIsNeverRetried() throws {
        let factory = FakeHypertableFactory()
        let pool = pool(factory)
        try armFirstConnection(pool, with: BrokerCallError.connectionFailed(context: "get_tables", reason: "connection closed"))
        XCTAssertThrowsError(try pool.withConnection { connection in
            try connection.withNamespace("test") { try connection.service.getTables($0) }
        })
        XCTAssertEqual(pool.retriedReadCount, 0)
    }

    func testATimeoutIsNotRetried() throws {
        let factory = FakeHypertableFactory()
        let pool = pool(factory)
        try armFirstConnection(pool, with: BrokerCallError.timedOut(context: "get_tables"))
        XCTAssertThrowsError(try pool.withConnection(retryingRead: true) { connection in
            try connection.withNamespace("test") { try connection.service.getTables($0) }
        })
        XCTAssertEqual(pool.retriedReadCount, 0)
    }

    func testABrokerAnswerIsNotRetried() throws {
        let factory = FakeHypertableFactory()
        let pool = pool(factory)
        try armFirstConnection(pool, with: ClientException(.tableNotFound, "no such table"))
        XCTAssertThrowsError(try pool.withConnection(retryingRead: true) { connection in
            try connection.withNamespace("test") { try connection.service.getTables($0) }
        })
        XCTAssertEqual(pool.retriedReadCount, 0)
        XCTAssertFalse(ConnectionPool.mayRetryRead(after: BrokerCallError.replyTooLarge(context: "get_tables", length: 1 << 30, limit: 1 << 24)))
    }

    func testOnlyOneRetry() throws {
        let factory = FakeHypertableFactory()
        let pool = pool(factory)
        let broken = BrokerCallError.connectionFailed(context: "get_tables", reason: "connection closed")
        var attempts = 0
        XCTAssertThrowsError(try pool.withConnection(retryingRead: true) { _ in
            attempts += 1
            throw broken
        })
        XCTAssertEqual(attempts, 2)
    }
}

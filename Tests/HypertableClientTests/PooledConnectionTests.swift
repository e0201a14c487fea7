import BrokerTestKit
import HypertableClient
import Support
import XCTest

/// Namespaces on a pooled connection: opened once, reused, reopened once when stale, closed
/// before the connection is.
final class PooledConnectionTests: XCTestCase {
    private let badNamespaceID = HypertableErrorCode.thriftBrokerBadNamespaceID.rawValue

    func testNamespaceIsOpenedOncePerConnectionAndReused() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0))
        let first = try pool.withConnection { try $0.namespace("test") }
        let second = try pool.withConnection { try $0.namespace("test") }
        XCTAssertEqual(first, second)
        XCTAssertEqual(factory.services.count, 1)
        XCTAssertEqual(factory.services[0].namespaceOpenCount, 1)
    }

    func testEachConnectionOpensItsOwnNamespaceID() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 2, maxOverflow: 0))
        let a = try pool.checkout()
        let b = try pool.checkout()
        XCTAssertNotEqual(try a.namespace("test"), try b.namespace("test"))
        XCTAssertEqual(factory.services.map(\.namespaceOpenCount), [1, 1])
        pool.checkin(a)
        pool.checkin(b)
    }

    func testUnknownNamespaceIsAClientExceptionAndNotCached() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0))
        XCTAssertThrowsError(try pool.withConnection { try $0.namespace("nope") }) { error in
            XCTAssertEqual((error as? ClientException)?.code, HypertableErrorCode.namespaceDoesNotExist.rawValue)
        }
        XCTAssertEqual(pool.statistics.idle, 1)
        try pool.withConnection { XCTAssertTrue($0.namespaces.isEmpty) }
    }

    func testReopensOnceOnBadNamespaceIDThenSucceeds() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0))
        factory.configureNewConnection { $0.setTables(["t1"]) }
        let staleID = try pool.withConnection { try $0.namespace("test") }
        factory.services[0].invalidateNamespaceIDs()

        var attempts = 0
        let tables = try pool.withConnection { connection in
            try connection.withNamespace("test") { id -> [String] in
                attempts += 1
                return try connection.service.getTables(id)
            }
        }
        XCTAssertEqual(tables, ["t1"])
        XCTAssertEqual(attempts, 2)
        XCTAssertEqual(factory.services[0].namespaceOpenCount, 2)
        let freshID = try pool.withConnection { try $0.namespace("test") }
        XCTAssertNotEqual(freshID, staleID)
        XCTAssertEqual(factory.services[0].namespaceOpenCount, 2)
    }

    func testSecondBadNamespaceIDSurfaces() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0))
        var attempts = 0
        XCTAssertThrowsError(try pool.withConnection { connection in
            (connection.service as? FakeHypertableService)?.failNamespaceIDCalls(times: 2)
            _ = try connection.withNamespace("test") { id -> [String] in
                attempts += 1
                return try connection.service.getTables(id)
            }
        }) { error in
            XCTAssertEqual((error as? ClientException)?.code, badNamespaceID)
        }
        XCTAssertEqual(attempts, 2)
        // A ClientException: the connection stays, but without the stale id.
        XCTAssertEqual(pool.statistics.idle, 1)
        try pool.withConnection { XCTAssertNil($0.namespaces.peek("test")) }
    }

    func testOtherClientExceptionsAreNotRetried() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0))
        var attempts = 0
        XCTAssertThrowsError(try pool.withConnection { connection in
            try connection.withNamespace("test") { _ in
                attempts += 1
                throw ClientException(.tableNotFound, "t")
            }
        })
        XCTAssertEqual(attempts, 1)
        XCTAssertEqual(factory.services[0].namespaceOpenCount, 1)
    }

    func testClosingAConnectionClosesItsNamespacesFirst() throws {
        let factory = FakeHypertableFactory(namespaces: ["a", "b"])
        let pool = factory.makePool(PoolConfiguration(size: 0, maxOverflow: 0))
        var ids: Set<Int64> = []
        try pool.withConnection { connection in
            ids.insert(try connection.namespace("a"))
            ids.insert(try connection.namespace("b"))
        }
        let log = factory.services[0].callLog
        XCTAssertEqual(log.last, "close")
        let closes = log.dropLast().suffix(2)
        XCTAssertEqual(Set(closes), Set(ids.map { "namespaceClose(\($0))" }))
        XCTAssertEqual(factory.services[0].namespaceCloseCount, 2)
    }

    func testOpeningBeyondCapacityClosesTheLeastRecentlyUsed() throws {
        let factory = FakeHypertableFactory(namespaces: ["a", "b", "c"])
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0, namespaceCacheCapacity: 2))
        try pool.withConnection { connection in
            let a = try connection.namespace("a")
            _ = try connection.namespace("b")
            _ = try connection.namespace("a")
            _ = try connection.namespace("c")
            let fake = try XCTUnwrap(connection.service as? FakeHypertableService)
            XCTAssertEqual(Set(fake.openNamespaces.values), ["a", "c"])
            XCTAssertEqual(fake.namespaceCloseCount, 1)
            XCTAssertEqual(connection.namespaces.names, ["a", "c"])
            XCTAssertEqual(connection.namespaces.peek("a"), a)
        }
    }

    func testCloseNamespaceClosesAndForgets() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 1, maxOverflow: 0))
        try pool.withConnection { connection in
            let id = try connection.namespace("test")
            try connection.closeNamespace("test")
            XCTAssertTrue(connection.namespaces.isEmpty)
            XCTAssertEqual(factory.services[0].callLog.last, "namespaceClose(\(id))")
            try connection.closeNamespace("test")
            XCTAssertEqual(factory.services[0].namespaceCloseCount, 1)
        }
    }
}

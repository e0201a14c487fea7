import BrokerTestKit
import HypertableClient
import XCTest

final class NamespaceCacheTests: XCTestCase {
    func testLookupFindsInsertedID() {
        var cache = NamespaceCache()
        XCTAssertNil(cache.lookup("a"))
        XCTAssertTrue(cache.insert("a", id: 7).isEmpty)
        XCTAssertEqual(cache.lookup("a"), 7)
        XCTAssertEqual(cache.count, 1)
    }

    func testEvictsLeastRecentlyUsedBeyondCapacity() {
        var cache = NamespaceCache(capacity: 2)
        cache.insert("a", id: 1)
        cache.insert("b", id: 2)
        _ = cache.lookup("a")
        let displaced = cache.insert("c", id: 3)
        XCTAssertEqual(displaced.map(\.name), ["b"])
        XCTAssertEqual(displaced.map(\.id), [2])
        XCTAssertEqual(cache.names, ["a", "c"])
    }

    func testReplacingAnIDReturnsTheOldOne() {
        var cache = NamespaceCache()
        cache.insert("a", id: 1)
        let displaced = cache.insert("a", id: 2)
        XCTAssertEqual(displaced.map(\.id), [1])
        XCTAssertEqual(cache.peek("a"), 2)
        XCTAssertTrue(cache.insert("a", id: 2).isEmpty)
    }

    func testRemoveForgetsWithoutClosing() {
        var cache = NamespaceCache()
        cache.insert("a", id: 1)
        XCTAssertEqual(cache.remove("a"), 1)
        XCTAssertNil(cache.remove("a"))
        XCTAssertTrue(cache.isEmpty)
    }

    func testCapacityIsAtLeastOne() {
        var cache = NamespaceCache(capacity: 0)
        XCTAssertEqual(cache.capacity, 1)
        cache.insert("a", id: 1)
        cache.insert("b", id: 2)
        XCTAssertEqual(cache.names, ["b"])
    }

    func testCloseAllClosesEveryNamespaceIgnoringClientExceptions() throws {
        let fake = FakeHypertableService(namespaces: ["a", "b", "c"])
        var cache = NamespaceCache()
        for name in ["a", "b", "c"] { cache.insert(name, id: try fake.namespaceOpen(name)) }
        fake.failNextCall(with: .thriftBrokerBadNamespaceID)
        try cache.closeAll(on: fake)
        XCTAssertTrue(cache.isEmpty)
        XCTAssertEqual(fake.callCount("namespaceClose"), 3)
        // The first close was refused; the other two went through.
        XCTAssertEqual(fake.namespaceCloseCount, 2)
    }

    func testCloseAllStopsOnTransportError() throws {
        let fake = FakeHypertableService(namespaces: ["a", "b", "c"])
        var cache = NamespaceCache()
        for name in ["a", "b", "c"] { cache.insert(name, id: try fake.namespaceOpen(name)) }
        fake.failNextCallWithTransportError()
        XCTAssertThrowsError(try cache.closeAll(on: fake)) { error in
            XCTAssertTrue(error is BrokerCallError)
        }
        XCTAssertTrue(cache.isEmpty)
        XCTAssertEqual(fake.callCount("namespaceClose"), 1)
    }
}

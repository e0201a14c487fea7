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

    func testTheNameLookedUpLastIsFoundAgainAfterEveryChange() {
        // The last lookup's entry is remembered; every insert, replacement, removal and
        // eviction must make the next lookup find entries as they are now.
        var cache = NamespaceCache(capacity: 2)
        cache.insert("a-long-namespace/name", id: 1)
        XCTAssertEqual(cache.lookup("a-long-namespace/name"), 1)
        XCTAssertEqual(cache.lookup("a-long-namespace/name"), 1)
        cache.insert("a-long-namespace/name", id: 5)
        XCTAssertEqual(cache.lookup("a-long-namespace/name"), 5)
        for index in 0..<40 { cache.insert("b\(index)", id: Int64(10 + index)) }
        XCTAssertNil(cache.lookup("a-long-namespace/name"), "evicted")
        XCTAssertEqual(cache.lookup("b39"), 49)
        XCTAssertEqual(cache.remove("b39"), 49)
        XCTAssertNil(cache.lookup("b39"))
        XCTAssertEqual(cache.lookup("b38"), 48)
        cache.removeAll()
        XCTAssertNil(cache.lookup("b38"))
        cache.insert("b38", id: 3)
        XCTAssertEqual(cache.lookup("b38"), 3)
        XCTAssertEqual(cache.names, ["b38"])
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

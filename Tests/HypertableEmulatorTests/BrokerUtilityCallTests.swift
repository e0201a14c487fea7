import HypertableClient
@testable import HypertableEmulator
import XCTest

/// generate_guid, create_cell_unique and shutdown.
final class BrokerUtilityCallTests: XCTestCase {
    func testCreateCellUnique() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (u TIME_ORDER DESC MAX_VERSIONS 1, plain)")
        let guid = try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("r".utf8), columnFamily: "u"), value: "")
        XCTAssertEqual(guid.count, 36)
        XCTAssertEqual(try f.session.getCell(f.ns, "t", row: Array("r".utf8), column: "u"), Array(guid.utf8))
        assertClientError(.alreadyExists) {
            _ = try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("r".utf8), columnFamily: "u"), value: "late")
        }
        XCTAssertEqual(try f.session.getCell(f.ns, "t", row: Array("r".utf8), column: "u"), Array(guid.utf8))
        XCTAssertEqual(try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("s".utf8), columnFamily: "u"), value: "mine"),
                       "mine")
        assertClientError(.badScanSpec) {
            _ = try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("r".utf8), columnFamily: "plain"), value: "x")
        }
        assertClientError(.failedExpectation) {
            _ = try f.session.createCellUnique(f.ns, "t", key: Key(row: Array("r".utf8), columnFamily: "nope"), value: "x")
        }
    }

    func testGUIDsAreVersion4UUIDs() {
        let guids = Set((0..<100).map { _ in EmulatorSession.makeGUID() })
        XCTAssertEqual(guids.count, 100)
        for guid in guids {
            let parts = guid.split(separator: "-").map(\.count)
            XCTAssertEqual(parts, [8, 4, 4, 4, 12], guid)
            XCTAssertEqual(Array(guid)[14], "4", guid)
            XCTAssertTrue("89ab".contains(Array(guid)[19]), guid)
            XCTAssertEqual(guid, guid.lowercased())
        }
    }

    func testShutdownIsRefused() throws {
        let f = try Fixture()
        assertClientError(.notAllowed) { try f.session.shutdown() }
    }
}

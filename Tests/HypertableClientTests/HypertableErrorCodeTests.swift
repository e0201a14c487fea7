@testable import HypertableClient
import XCTest

/// The error table: every code has one line, names are unique, and they read as Hypertable's.
final class HypertableErrorCodeTests: XCTestCase {
    func testEveryCodeHasANameAndAText() {
        let missing = HypertableErrorCode.allCases.filter { HypertableErrorCode.descriptions[$0] == nil }
        XCTAssertEqual(missing, [])
        XCTAssertEqual(HypertableErrorCode.descriptions.count, HypertableErrorCode.allCases.count)
    }

    func testNamesAreUnique() {
        let names = HypertableErrorCode.allCases.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
    }

    func testNamesAndTextsAreHypertables() {
        XCTAssertEqual(HypertableErrorCode.tableNotFound.name, "TABLE_NOT_FOUND")
        XCTAssertEqual(HypertableErrorCode(rawValue: 0x90003)?.name, "THRIFTBROKER_BAD_NAMESPACE_ID")
        XCTAssertEqual(HypertableErrorCode.thriftBrokerBadNamespaceID.text, "THRIFT BROKER bad namespace id")
        XCTAssertEqual(HypertableErrorCode.hqlParseError.rawValue, 11)
    }
}

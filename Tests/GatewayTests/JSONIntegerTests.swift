import Foundation
@testable import Gateway
import XCTest

/// A JSON number is an integer when JSON Schema says so (`2.0` is one), as openapi.yaml's
/// `type: integer` promises: timestamps, counter amounts and HQL parameters accept it.
final class JSONIntegerTests: XCTestCase {
    private func number(_ json: String) throws -> NSNumber {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) as? NSNumber)
    }

    func testIntegralNumbersAreIntegersAndFractionsAreNot() throws {
        XCTAssertEqual(SchemaJSON.exactInteger(try number("2")), 2)
        XCTAssertEqual(SchemaJSON.exactInteger(try number("2.0")), 2)
        XCTAssertEqual(SchemaJSON.exactInteger(try number("-7.000")), -7)
        XCTAssertEqual(SchemaJSON.exactInteger(try number("9223372036854775807")), Int64.max)
        XCTAssertNil(SchemaJSON.exactInteger(try number("2.5")))
        XCTAssertNil(SchemaJSON.exactInteger(try number("1e300")), "beyond 2^53 a float is not exact")
        XCTAssertNil(SchemaJSON.exactInteger(try number("true")))
    }

    func testATimestampWrittenAsAFloatWithoutFractionIsAccepted() throws {
        let cell = try CellInput.cell(["row": "r", "column_family": "a", "timestamp": try number("5.0")],
                                      encoding: CellEncoding(), position: "cell 0")
        XCTAssertEqual(cell.key.timestamp, 5)
        XCTAssertThrowsError(try CellInput.cell(["row": "r", "column_family": "a", "timestamp": try number("5.5")],
                                                encoding: CellEncoding(), position: "cell 0"))
    }
}

import Foundation
import GatewayTestKit
import HypertableClient
import XCTest

/// `PATCH /ns/{ns}/tables/{table}` (table_alter from the current schema) and
/// `GET .../splits` (table_get_splits), against the embedded broker.
final class TableAlterRouteTests: RESTTestCase {
    private func families(_ response: HTTPTestResponse) throws -> [String: [String: Any]] {
        try XCTUnwrap(try object(response)["column_families"] as? [String: [String: Any]], response.bodyText)
    }

    func testAddDropRenameModifyFamiliesAndGroups() throws {
        try createTable(families: ["a", "b", "c"])
        try send("POST", "/ns/test/tables/t/cells", json: #"[{"row": "r", "column_family": "a", "value": "kept"}]"#)
        let idOfA = try families(try send("GET", "/ns/test/tables/t"))["a"]?["id"] as? Int
        let response = try send("PATCH", "/ns/test/tables/t", json: """
            {"add_access_groups": {"hot": {"in_memory": true}},
             "modify_access_groups": {"default": {"blocksize": 131072}},
             "drop_column_families": ["b"],
             "rename_column_families": {"a": "renamed"},
             "modify_column_families": {"c": {"max_versions": 3, "ttl": 86400}},
             "add_column_families": {"n": {"access_group": "hot", "max_versions": 1}}}
            """)
        XCTAssertEqual(response.status, 200, response.bodyText)
        let altered = try families(response)
        XCTAssertEqual(Set(altered.keys), ["renamed", "c", "n"])
        XCTAssertEqual(altered["renamed"]?["id"] as? Int, idOfA, "a rename keeps the family's id")
        XCTAssertEqual(altered["c"]?["max_versions"] as? Int, 3)
        XCTAssertEqual(altered["c"]?["ttl"] as? Int, 86400)
        XCTAssertEqual(altered["n"]?["access_group"] as? String, "hot")
        let groups = try XCTUnwrap(try object(response)["access_groups"] as? [String: [String: Any]])
        XCTAssertEqual(groups["hot"]?["in_memory"] as? Bool, true)
        XCTAssertEqual(groups["default"]?["blocksize"] as? Int, 131072)
        XCTAssertEqual(try families(try send("GET", "/ns/test/tables/t")).keys.sorted(), ["c", "n", "renamed"],
                       "the broker has the new schema")
        XCTAssertEqual(try cells(try send("GET", "/ns/test/tables/t/rows/r")).map { $0["column_family"] as? String },
                       ["renamed"], "a renamed family keeps its cells")
    }

    func testExistingFamilyIs409AndMissingOneIs404WithHypertablesCode() throws {
        try createTable()
        for body in [#"{"add_column_families": {"a": {}}}"#, #"{"rename_column_families": {"a": "b"}}"#,
                     #"{"add_access_groups": {"default": {}}}"#] {
            let response = try send("PATCH", "/ns/test/tables/t", json: body)
            XCTAssertEqual(response.status, 409, "\(body): \(response.bodyText)")
            XCTAssertEqual(try object(response)["hypertable_error"] as? String, "ALREADY_EXISTS")
            XCTAssertEqual(try object(response)["hypertable_code"] as? Int, 48)
        }
        for body in [#"{"drop_column_families": ["zz"]}"#, #"{"rename_column_families": {"zz": "y"}}"#,
                     #"{"modify_column_families": {"zz": {"ttl": 5}}}"#] {
            let response = try send("PATCH", "/ns/test/tables/t", json: body)
            XCTAssertEqual(response.status, 404, "\(body): \(response.bodyText)")
            XCTAssertEqual(try object(response)["hypertable_error"] as? String, "COLUMN_FAMILY_NOT_FOUND")
            XCTAssertEqual(try object(response)["hypertable_code"] as? Int, 59)
        }
        XCTAssertEqual(try send("PATCH", "/ns/test/tables/t", json: #"{"modify_access_groups": {"zz": {}}}"#).status, 404)
        XCTAssertEqual(try families(try send("GET", "/ns/test/tables/t")).keys.sorted(), ["a", "b"], "nothing changed")
    }

    func testRefusedBodiesAndMissingTable() throws {
        try createTable()
        for body in ["{}", "[]", #"{"add_column_families": ["x"]}"#, #"{"drop_column_families": "a"}"#,
                     #"{"modify_column_families": {"a": {"access_group": "g"}}}"#,
                     #"{"add_column_families": {"bad name": {}}}"#, #"{"frobnicate": 1}"#] {
            let response = try send("PATCH", "/ns/test/tables/t", json: body)
            XCTAssertEqual(response.status, 400, "\(body): \(response.bodyText)")
        }
        XCTAssertEqual(try send("PATCH", "/ns/test/tables/nope", json: #"{"drop_column_families": ["a"]}"#).status, 404)
    }

    func testSplits() throws {
        try createTable()
        let response = try send("GET", "/ns/test/tables/t/splits")
        XCTAssertEqual(response.status, 200, response.bodyText)
        let splits = try XCTUnwrap(try object(response)["splits"] as? [[String: Any]])
        XCTAssertEqual(splits.count, 1)
        XCTAssertEqual(splits[0]["start_row"] as? String, "")
        XCTAssertTrue(splits[0]["end_row"] is NSNull, "the last range has no end row")
        XCTAssertEqual(splits[0]["location"] as? String, "rs1")
        XCTAssertEqual(splits[0]["ip_address"] as? String, "127.0.0.1")
        XCTAssertNotNil(splits[0]["hostname"] as? String)
        XCTAssertEqual(try send("GET", "/ns/test/tables/nope/splits").status, 404)
        XCTAssertEqual(try send("GET", "/ns/test/tables/t/splits?x=1").status, 400)
    }
}

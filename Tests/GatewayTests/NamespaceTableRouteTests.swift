import Foundation
import GatewayTestKit
import XCTest

/// Namespace and table routes over real HTTP against the embedded broker.
final class NamespaceTableRouteTests: RESTTestCase {
    func testNamespaceCreateListAndDrop() throws {
        XCTAssertEqual(try send("PUT", "/ns/app").status, 201)
        let nested = try send("PUT", "/ns/app/prod")
        XCTAssertEqual(nested.status, 201)
        XCTAssertEqual(try object(nested)["namespace"] as? String, "app/prod")
        XCTAssertEqual(try send("PUT", "/ns/app%2Fstaging").status, 201, "one %2F-encoded segment names a nested namespace")

        let root = try object(try send("GET", "/ns"))
        XCTAssertTrue((root["namespaces"] as? [String] ?? []).contains("app"))
        let app = try object(try send("GET", "/ns/app"))
        XCTAssertEqual(app["namespaces"] as? [String], ["prod", "staging"])
        XCTAssertEqual(app["tables"] as? [String], [])

        let exists = try send("PUT", "/ns/app/prod")
        XCTAssertEqual(exists.status, 409)
        XCTAssertEqual(exists.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(try object(exists)["hypertable_error"] as? String, "NAMESPACE_EXISTS")

        XCTAssertEqual(try send("DELETE", "/ns/app").status, 409, "a namespace that is not empty is not dropped")
        XCTAssertEqual(try send("DELETE", "/ns/app/prod").status, 204)
        XCTAssertEqual(try send("DELETE", "/ns/app%2Fstaging").status, 204)
        XCTAssertEqual(try send("GET", "/ns/app/prod").status, 404)
        XCTAssertEqual(try send("DELETE", "/ns/app/prod").status, 404)
        XCTAssertEqual(try send("PUT", "/ns/missing/child").status, 404, "the parent must exist")
    }

    func testTableCreateSchemaListAndDrop() throws {
        XCTAssertEqual(try send("PUT", "/ns/test").status, 201)
        let created = try send("PUT", "/ns/test/tables/events", json: """
            {"column_families": {"meta": {"max_versions": 3, "access_group": "hot"},
                                 "body": {"ttl": 86400, "counter": false}},
             "access_groups": {"hot": {"in_memory": true, "blocksize": 65536}}}
            """)
        XCTAssertEqual(created.status, 201, created.bodyText)
        XCTAssertEqual(created.header("Location"), "/ns/test/tables/events")

        let schema = try object(try send("GET", "/ns/test/tables/events"))
        XCTAssertEqual(schema["table"] as? String, "events")
        let families = try XCTUnwrap(schema["column_families"] as? [String: [String: Any]])
        XCTAssertEqual(Set(families.keys), ["meta", "body"])
        XCTAssertEqual(families["meta"]?["max_versions"] as? Int, 3)
        XCTAssertEqual(families["meta"]?["access_group"] as? String, "hot")
        XCTAssertEqual(families["body"]?["ttl"] as? Int, 86400)
        XCTAssertEqual(families["body"]?["access_group"] as? String, "default")
        let groups = try XCTUnwrap(schema["access_groups"] as? [String: [String: Any]])
        XCTAssertEqual(groups["hot"]?["in_memory"] as? Bool, true)
        XCTAssertEqual(groups["hot"]?["blocksize"] as? Int, 65536)

        XCTAssertEqual(try object(try send("GET", "/ns/test"))["tables"] as? [String], ["events"])
        XCTAssertEqual(try object(try send("GET", "/ns/test/tables"))["tables"] as? [String], ["events"])

        XCTAssertEqual(try send("PUT", "/ns/test/tables/events", json: "{\"column_families\": [\"x\"]}").status, 409)
        XCTAssertEqual(try send("DELETE", "/ns/test/tables/events").status, 204)
        XCTAssertEqual(try send("GET", "/ns/test/tables/events").status, 404)
        XCTAssertEqual(try send("DELETE", "/ns/test/tables/events").status, 404)
        XCTAssertEqual(try send("GET", "/ns/nowhere/tables/events").status, 404)
    }

    func testBadSchemasAreClientErrors() throws {
        XCTAssertEqual(try send("PUT", "/ns/test").status, 201)
        let bodies = [
            "not json", "[]", "{}", "{\"column_families\": []}", "{\"column_families\": {\"a\": 1}}",
            "{\"column_families\": {\"a\": {\"max_versions\": \"3\"}}}",
            "{\"column_families\": {\"a\": {\"max_versions\": -1}}}",
            "{\"column_families\": {\"a\": {\"colour\": 1}}}", "{\"column_families\": [\"bad name\"]}",
            "{\"column_families\": [\"a\"], \"access_groups\": {\"g\": {\"in_memory\": 1}}}",
        ]
        for body in bodies {
            let response = try send("PUT", "/ns/test/tables/t", json: body)
            XCTAssertEqual(response.status, 400, "\(body): \(response.bodyText)")
            XCTAssertEqual(response.header("Content-Type"), "application/problem+json")
        }
    }

    func testNestedNamespaceTablesByBothRules() throws {
        try createTable("app/prod", "users", families: ["info"])
        XCTAssertEqual(try send("POST", "/ns/app/prod/tables/users/cells",
                                json: "[{\"row\": \"u1\", \"column_family\": \"info\", \"value\": \"x\"}]").status, 200)
        let slashes = try cells(try send("GET", "/ns/app/prod/tables/users/cells"))
        let encoded = try cells(try send("GET", "/ns/app%2Fprod/tables/users/cells"))
        XCTAssertEqual(slashes.count, 1)
        XCTAssertEqual(encoded.count, 1)
        XCTAssertEqual(try object(try send("GET", "/ns/app%2Fprod"))["tables"] as? [String], ["users"])
        // A namespace component named "tables" needs %2F: /ns/app/tables is app's table listing.
        XCTAssertEqual(try send("PUT", "/ns/app%2Ftables").status, 201)
        XCTAssertEqual(try object(try send("GET", "/ns/app%2Ftables"))["namespace"] as? String, "app/tables")
        XCTAssertNotNil(try object(try send("GET", "/ns/app/tables"))["tables"])
    }
}

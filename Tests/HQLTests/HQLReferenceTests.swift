import HQL
import XCTest

/// `HQLStatement.references`: every table and namespace a statement names, as written, which
/// namespace-limited tokens are checked against.
final class HQLReferenceTests: XCTestCase {
    func testEveryStatementNamesWhatItTouches() throws {
        let cases: [(String, [HQLReference])] = [
            ("SELECT * FROM '/other/ns/t'", [.table("/other/ns/t")]),
            ("SELECT * FROM \"ns/t\" WHERE ROW = 'r'", [.table("ns/t")]),
            ("INSERT INTO t VALUES ('r', 'f', 'v')", [.table("t")]),
            ("DELETE * FROM '/x/t' WHERE ROW = 'r'", [.table("/x/t")]),
            ("USE \"/x\"", [.namespace("/x")]),
            ("CREATE NAMESPACE \"/x/y\"", [.namespace("/x/y")]),
            ("DROP NAMESPACE IF EXISTS x", [.namespace("x")]),
            ("CREATE TABLE a LIKE '/x/b'", [.table("a"), .table("/x/b")]),
            ("RENAME TABLE a TO '/x/b'", [.table("a"), .table("/x/b")]),
            ("ALTER TABLE '/x/t' ADD (g)", [.table("/x/t")]),
            ("ALTER TABLE '/x/t' DROP QUALIFIER INDEX (g)", [.table("/x/t")]),
            ("REBUILD VALUE INDICES '/x/t'", [.table("/x/t")]),
            ("DESCRIBE TABLE '/x/t'", [.table("/x/t")]),
            ("SHOW CREATE TABLE '/x/t'", [.table("/x/t")]),
            ("EXISTS TABLE '/x/t'", [.table("/x/t")]),
            ("DROP TABLE IF EXISTS '/x/t'", [.table("/x/t")]),
            ("SHOW TABLES", [.currentNamespace]),
            ("GET LISTING", [.currentNamespace]),
        ]
        for (statement, expected) in cases {
            XCTAssertEqual(try HQLParser.parse(statement).references, expected, statement)
        }
    }
}

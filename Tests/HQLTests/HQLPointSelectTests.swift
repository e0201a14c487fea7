import HQL
import TestSupport
import XCTest

/// `HQLPointSelect` may only ever decline or agree with the full parser (`parseScript` does
/// not take the shortcut, so it is the reference).
final class HQLPointSelectTests: XCTestCase {
    private func reference(_ text: String) -> [HQLStatement]? { try? HQLParser.parseScript(text) }

    private func point(_ table: String, _ row: String) -> HQLStatement {
        var select = HQLSelect()
        select.table = table
        select.rowIntervals = [HQLRowInterval(start: HQLBound(row, inclusive: true), end: HQLBound(row, inclusive: true))]
        return .select(select)
    }

    func testRecognizesTheCommonShapeAsTheParserDoes() {
        let accepted: [(String, String, String)] = [
            ("SELECT * FROM t WHERE ROW = 'r1'", "t", "r1"),
            ("select*from t where row='r1';", "t", "r1"),
            ("\n\tSeLeCt *\tFROM my_table\r\nWHERE ROW = \"a b é\" ;  ", "my_table", "a b é"),
            ("SELECT * FROM WHERE WHERE ROW = ''", "WHERE", ""),
            // Keywords are reserved as Hypertable spells them: other letter cases are names.
            ("SELECT * FROM TaBle WHERE ROW = 'r'", "TaBle", "r"), ("SELECT * FROM waitFOR WHERE ROW = 'r'", "waitFOR", "r"),
            ("SELECT * FROM tables WHERE ROW = 'r'", "tables", "r"),
        ]
        for (text, table, row) in accepted {
            XCTAssertEqual(HQLPointSelect.recognize(text), point(table, row), text)
            XCTAssertEqual(reference(text), [point(table, row)], text)
            XCTAssertEqual(try? HQLParser.parse(text), point(table, row), text)
        }
    }

    func testDeclinesEverythingElse() {
        let declined = [
            "SELECT * FROM t WHERE ROW = 'a\\'b'", "SELECT * FROM t WHERE ROW == 'r'", "SELECT * FROM t WHERE ROW =^ 'r'",
            "SELECT * FROM t WHERE ROW = r1", "SELECT * FROM t WHERE ROW = 'r' LIMIT 1", "SELECT * FROM t WHERE ROW = 'r';;",
            "SELECT * FROM a/b WHERE ROW = 'r'", "SELECT * FROM 'a' WHERE ROW = 'r'", "SELECT CELLS * FROM t WHERE ROW = 'r'",
            "SELECT cf FROM t WHERE ROW = 'r'", "SELECT * FROM t WHERE ROW = 'r' # note", "/* c */ SELECT * FROM t WHERE ROW = 'r'",
            "SELECT * FROM t WHERE ROW = 'r", "SELECTX * FROM t WHERE ROW = 'r'", "SELECT * FROM t WHERE ROW = 'r' AND ROW = 'r'",
            "SELECT * FROM t WHERE ROW = 'r'; SELECT * FROM t WHERE ROW = 'r'", "SELECT * FROM t WHERE ROW REGEXP 'r'",
            "SELECT * FROM table WHERE ROW = 'r'", "SELECT * FROM Table WHERE ROW = 'r'", "SELECT * FROM WAITfor WHERE ROW = 'r'",
            "SELECT * FROM start_time WHERE ROW = 'r'", "SELECT * FROM FOR WHERE ROW = 'r'", "SELECT * FROM _t WHERE ROW = 'r'",
        ]
        for text in declined { XCTAssertNil(HQLPointSelect.recognize(text), text) }
    }

    /// Statements built from pieces near the shape (keyword case, whitespace, comments,
    /// operators, quoting, escapes, trailing clauses): the shortcut declines or agrees.
    func testDeclinesOrAgreesWithTheFullParser() {
        var generator = SeededGenerator(seed: 20_261_202)
        // Mostly the shape's own piece, else any variant: both answers come up often.
        func pick(_ options: [String]) -> String {
            Int.random(in: 0..<4, using: &generator) > 0 ? options[0] : options.randomElement(using: &generator) ?? ""
        }
        func cased(_ word: String) -> String {
            String(word.map { Bool.random(using: &generator) ? Character($0.lowercased()) : $0 })
        }
        let spaces = [" ", "", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", " /* c */ ", " -- c\n", " # c\n", "\u{A0}"]
        let tables = ["t", "T_1", "_x", "WHERE", "ROW", "a/b", "a /b", "'q t'", "\"dq\"", "1t", "é", "t-1", ""]
        let selections = ["*", "CELLS *", "cf", "cf:a", "*,", "**", ""]
        let keys = ["ROW", "row", "CELL", "VALUE", "ROW REGEXP", "TIMESTAMP", "ROWS", ""]
        let operators = ["=", "==", "=^", "=~", "<", "<=", ">", "!=", "= =", ""]
        let literals = ["'r1'", "\"r1\"", "''", "'a b'", "'it\\'s'", "'tab\\t'", "'\\x'", "'ü€😀'", "'unterminated",
                        "\"mixed'", "r1", "42", "'#not a comment'", "'/*x*/'", "'a''b'", ""]
        let tails = ["", ";", ";;", " ;", "; ", " LIMIT 1", " AND ROW = 'x'", " OR", " -- done", " /* done */", ";x",
                     " KEYS_ONLY", "'", ";SELECT * FROM t WHERE ROW = 'r'"]
        var agreed = 0, declined = 0
        for _ in 0..<20_000 {
            var parts: [String] = [cased(pick(["SELECT", "SELECTS", "INSERT"])), pick(selections),
                                   cased(pick(["FROM", "FORM"])), pick(tables), cased(pick(["WHERE", "WHEN"])),
                                   cased(pick(keys)), pick(operators), pick(literals)]
            if Int.random(in: 0..<16, using: &generator) == 0 { parts.remove(at: Int.random(in: 0..<parts.count, using: &generator)) }
            var text = pick(spaces)
            for part in parts { text += part + pick(spaces) }
            text += pick(tails) + pick(spaces)
            if let fast = HQLPointSelect.recognize(text) {
                agreed += 1
                XCTAssertEqual(reference(text), [fast], "shortcut disagrees on: \(text.debugDescription)")
            } else {
                declined += 1
            }
        }
        // Both sides were exercised (the generator is seeded, so these counts are fixed).
        XCTAssertGreaterThan(agreed, 200)
        XCTAssertGreaterThan(declined, 2000)
    }
}

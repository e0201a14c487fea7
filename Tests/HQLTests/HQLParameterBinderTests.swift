@testable import HQL
import TestSupport
import XCTest

/// `HQLParameterBinder`: placeholders bound by token position as single literals.
final class HQLParameterBinderTests: XCTestCase {
    func testBindsStringsTimestampsIntegersAndBytes() throws {
        let bound = try HQLParameterBinder.bind("SELECT * FROM t WHERE ROW = ? AND TIMESTAMP > ? LIMIT ?",
                                                [.string("o'brien"), .timestamp("2026-01-01 00:00:00"), .integer(10)])
        // HQL strings have no escapes: a value holding a single quote goes in double quotes.
        XCTAssertEqual(bound, #"SELECT * FROM t WHERE ROW = "o'brien" AND TIMESTAMP > '2026-01-01 00:00:00' LIMIT 10"#)
        guard case .select(let select) = try HQLParser.parse(bound) else { return XCTFail("not a SELECT") }
        XCTAssertEqual(select.rowIntervals.first?.start?.value, "o'brien")
        XCTAssertEqual(select.limit, 10)
        XCTAssertEqual(try HQLParameterBinder.bind("INSERT INTO t VALUES (?, 'a:q', ?)", [.bytes(Array("r\n".utf8)), .string("v")]),
                       "INSERT INTO t VALUES ('r\n', 'a:q', 'v')")
        // A value is a string in Hypertable's grammar: an integer goes there quoted, and as a
        // number only where a count goes.
        XCTAssertEqual(try HQLParameterBinder.bind("INSERT INTO t VALUES (?, ?, 'a', ?)", [.integer(5), .integer(6), .integer(7)]),
                       "INSERT INTO t VALUES ('5', '6', 'a', '7')")
        XCTAssertEqual(try HQLParameterBinder.bind("SELECT * FROM t WHERE ROW = ? AND a = ? LIMIT ?", [.integer(5), .integer(6), .integer(7)]),
                       "SELECT * FROM t WHERE ROW = '5' AND a = '6' LIMIT 7")
        XCTAssertEqual(try HQLParameterBinder.bind("SELECT * FROM t WHERE ROW >= ? AND ROW < ?", [.string("a"), .string("b")]),
                       "SELECT * FROM t WHERE ROW >= 'a' AND ROW < 'b'")
        XCTAssertEqual(try HQLParameterBinder.bind("SELECT * FROM t WHERE ROW REGEXP ?", [.string("^a.*'")]),
                       #"SELECT * FROM t WHERE ROW REGEXP "^a.*'""#)
        // A backslash and the character after it are one unit to Hypertable's grammar, kept
        // as they are: `\'` does not end a single-quoted string.
        XCTAssertEqual(try HQLParameterBinder.bind("SELECT * FROM t WHERE ROW = ?", [.string(#"it\'s "x""#)]),
                       #"SELECT * FROM t WHERE ROW = 'it\'s "x"'"#)
        for unwritable in [#"a'b"c"#, #"a\"#, "a\0b"] {
            XCTAssertThrowsError(try HQLParameterBinder.bind("SELECT * FROM t WHERE ROW = ?", [.string(unwritable)]), unwritable) {
                XCTAssertEqual(($0 as? HQLBindingError)?.kind, .badValue)
            }
        }
    }

    func testPlaceholdersInsideStringsAndCommentsAreText() throws {
        XCTAssertEqual(try HQLParameterBinder.bind("SELECT * FROM t WHERE ROW = '?' -- why?\n AND TIMESTAMP > ?",
                                                   [.string("2026-01-01 00:00:00")]),
                       "SELECT * FROM t WHERE ROW = '?' -- why?\n AND TIMESTAMP > '2026-01-01 00:00:00'")
    }

    func testCountMismatchAndPlacesWithoutLiterals() {
        func kind(_ hql: String, _ parameters: [HQLParameter]) -> HQLBindingError.Kind? {
            do {
                _ = try HQLParameterBinder.bind(hql, parameters)
                return nil
            } catch {
                return error.kind
            }
        }
        XCTAssertEqual(kind("SELECT * FROM t WHERE ROW = ?", []), .countMismatch)
        XCTAssertEqual(kind("SELECT * FROM t WHERE ROW = ?", [.string("a"), .string("b")]), .countMismatch)
        XCTAssertEqual(kind("SELECT * FROM t", [.string("a")]), .countMismatch)
        XCTAssertEqual(kind("SELECT * FROM ?", [.string("t")]), .notAValuePosition, "a table name")
        XCTAssertEqual(kind("SELECT ? FROM t", [.string("a")]), .notAValuePosition, "a column")
        XCTAssertEqual(kind("SELECT a:? FROM t", [.string("q")]), .notAValuePosition, "a qualifier")
        XCTAssertEqual(kind("SELECT * FROM t WHERE ?", [.string("ROW = 'a'")]), .notAValuePosition)
        XCTAssertEqual(kind("DROP TABLE ?", [.string("t")]), .notAValuePosition)
        XCTAssertEqual(kind("SELECT * FROM t LIMIT ?", [.string("10")]), .badValue, "a count takes an integer")
        XCTAssertEqual(kind("SELECT * FROM t WHERE ROW = ?", [.integer(-1)]), .badValue)
        XCTAssertEqual(kind("SELECT * FROM t WHERE ROW = ?", [.bytes([0xFF, 0xFE])]), .badValue, "not UTF-8")
        XCTAssertEqual(kind("SELECT * FROM t WHERE TIMESTAMP > ?", [.timestamp("yesterday")]), .badValue)
        XCTAssertEqual(kind("SELECT * FROM t WHERE ROW = ? AND", [.string("a")]), .invalidStatement)
        XCTAssertEqual(kind("SELECT * FROM t WHERE ROW = 'unterminated ?", []), .invalidStatement)
        // An INSERT's column and value lose quote characters at their ends in Hypertable.
        let quoted: HQLParameter = .string("'x")
        XCTAssertEqual(kind("INSERT INTO t VALUES (?, ?, ?)", [.string("r"), quoted, .string("v")]), .badValue, "a column")
        XCTAssertEqual(kind("INSERT INTO t VALUES (?, 'a', ?)", [.string("r"), quoted]), .badValue, "a value")
        XCTAssertEqual(kind("INSERT INTO t VALUES ('2026-01-01 00:00:00', ?, 'a', GUID()), ('r', 'a', ?)",
                            [.string("r"), quoted]), .badValue, "the value of a second tuple")
        XCTAssertNil(kind("INSERT INTO t VALUES (?, 'a', 'v')", [quoted]), "a row keeps its quotes")
        XCTAssertNil(kind("INSERT INTO t VALUES ('2026-01-01 00:00:00', ?, 'a', GUID())", [quoted]), "a row after a timestamp")
        XCTAssertNil(kind("INSERT INTO t VALUES (?, 'a', ?)", [.string("r"), .string("x'y")]), "a quote inside")
    }

    /// No parameter value changes the statement's shape: random strings (quotes, backslashes,
    /// `?`, newlines, comment and statement separators, NUL, any Unicode) and random bytes
    /// (bound when UTF-8, refused otherwise) give the same tokens and the same parsed
    /// statement as a harmless value, except for the value itself, which reads back exactly;
    /// or, when no HQL string literal can hold the value, are refused.
    func testNoParameterValueChangesTheStatementsShape() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let alphabet: [String] = ["'", "\"", "\\", "?", "\n", "\r", "\t", "\0", ";", "--", "#", "/*", "*/", "'; DROP TABLE t; --",
                                  "a", "Z", "0", " ", ")", "(", ",", "é", "😀", "\u{2028}", "\\'", "\\\\'", "' OR ROW =~ /.*/ --"]
        let select = "SELECT * FROM t WHERE ROW = ? AND TIMESTAMP > ? LIMIT 5"
        let insert = "INSERT INTO t VALUES (?, 'a:q', ?)"
        let harmlessSelect = try HQLParser.parse(try HQLParameterBinder.bind(select, [.string("x"), .string("2026-01-01 00:00:00")]))
        let harmlessInsert = try HQLParser.parse(try HQLParameterBinder.bind(insert, [.string("x"), .string("x")]))
        let selectShape = try shape(try HQLParameterBinder.bind(select, [.string("x"), .string("2026-01-01 00:00:00")]))
        let insertShape = try shape(try HQLParameterBinder.bind(insert, [.string("x"), .string("x")]))
        var refusedBytes = 0
        var refusedStrings = 0
        var boundStrings = 0
        for round in 0..<2000 {
            let parameter: HQLParameter
            let text: String
            if round % 4 == 3 {
                let bytes = (0..<Int.random(in: 0...12, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                parameter = .bytes(bytes)
                guard let decoded = String(validating: bytes, as: UTF8.self) else {
                    XCTAssertThrowsError(try HQLParameterBinder.bind(select, [parameter, .string("2026-01-01 00:00:00")]))
                    refusedBytes += 1
                    continue
                }
                text = decoded
            } else {
                text = (0..<Int.random(in: 0...8, using: &generator))
                    .map { _ in alphabet.randomElement(using: &generator)! }.joined()
                parameter = .string(text)
            }

            // Hypertable reads the bytes between the quotes as they are, a backslash taking the
            // byte after it along: a value fits a quote when that reading ends at the closing one.
            func fits(_ quote: UInt8) -> Bool {
                var escaped = false
                for b in text.utf8 {
                    if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == quote { return false }
                }
                return !escaped
            }
            if text.utf8.contains(0) || (!fits(0x27) && !fits(0x22)) {
                XCTAssertThrowsError(try HQLParameterBinder.bind(select, [parameter, .string("2026-01-01 00:00:00")]), text) {
                    XCTAssertEqual(($0 as? HQLBindingError)?.kind, .badValue)
                }
                refusedStrings += 1
                continue
            }
            boundStrings += 1
            let boundSelect = try HQLParameterBinder.bind(select, [parameter, .string("2026-01-01 00:00:00")])
            XCTAssertEqual(try shape(boundSelect), selectShape, boundSelect)
            guard case .select(var parsed) = try HQLParser.parse(boundSelect) else { return XCTFail(boundSelect) }
            XCTAssertEqual(parsed.rowIntervals.map { $0.start?.value }, [text], "the value reads back exactly")
            parsed.rowIntervals = parsed.rowIntervals.map {
                HQLRowInterval(start: HQLBound("x", inclusive: $0.start?.inclusive ?? false),
                               end: HQLBound("x", inclusive: $0.end?.inclusive ?? false))
            }
            XCTAssertEqual(HQLStatement.select(parsed), harmlessSelect, boundSelect)

            // Hypertable trims quote characters from the ends of an INSERT's value (not its row).
            if let first = text.first, let last = text.last, "'\"".contains(first) || "'\"".contains(last) {
                XCTAssertThrowsError(try HQLParameterBinder.bind(insert, [parameter, parameter]), text) {
                    XCTAssertEqual(($0 as? HQLBindingError)?.kind, .badValue)
                }
                XCTAssertNoThrow(try HQLParameterBinder.bind(insert, [parameter, .string("x")]), text)
                continue
            }
            let boundInsert = try HQLParameterBinder.bind(insert, [parameter, parameter])
            XCTAssertEqual(try shape(boundInsert), insertShape, boundInsert)
            guard case .insert(var written) = try HQLParser.parse(boundInsert) else { return XCTFail(boundInsert) }
            XCTAssertEqual(written.cells.map(\.row), [.literal(text)])
            XCTAssertEqual(written.cells.map(\.value), [.literal(text)])
            written.cells = written.cells.map {
                var cell = $0
                cell.row = .literal("x")
                cell.value = .literal("x")
                return cell
            }
            XCTAssertEqual(HQLStatement.insert(written), harmlessInsert, boundInsert)
        }
        XCTAssertGreaterThan(refusedBytes, 0, "some random byte strings were not UTF-8")
        XCTAssertGreaterThan(refusedStrings, 0, "some values no HQL string can hold")
        XCTAssertGreaterThan(boundStrings, 1000)
    }

    /// The statement's tokens with every string's content hidden.
    private func shape(_ hql: String) throws -> [String] {
        try HQLLexer.tokenize(hql).map { token in
            switch token.kind {
            case .string: return "<string>"
            case .word(let word): return "word \(word.uppercased())"
            case .number(let number): return "number \(number)"
            case .regex(let regex): return "regex \(regex)"
            case .symbol(let symbol): return "symbol \(symbol)"
            case .end: return "end"
            }
        }
    }
}


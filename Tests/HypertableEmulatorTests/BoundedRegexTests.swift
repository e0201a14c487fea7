import HypertableClient
@testable import HypertableEmulator
import XCTest

final class BoundedRegexTests: XCTestCase {
    private func match(_ pattern: String, _ input: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        do {
            return try BoundedRegex(pattern).matches(Array(input.utf8))
        } catch {
            XCTFail("pattern \(pattern) refused: \(error.message)", file: file, line: line)
            return false
        }
    }

    func testSearchSemanticsLikeRE2PartialMatch() {
        let cases: [(String, String, Bool)] = [
            ("abc", "xxabcxx", true), ("abc", "ab", false), ("", "anything", true),
            ("^[sm]\\D+$", "moss berry", true), ("^[sm]\\D+$", "martingale_123", false),
            ("m.*\\s\\S", "moss berry", true), ("m.*\\s\\S", "orange marmalade", false), ("m.*\\s\\S", "martingale_123", false),
            ("^w[^a-zA-Z]*$", "w1234", true), ("^w[^a-zA-Z]*$", "word", false),
            ("http://.*", "http://yahoo.com", true), ("l.*e", "clone", true), ("^clone$", "clones", false),
            ("a|b|c", "zzc", true), ("(ab)+c", "ababc", true), ("(ab)+c", "aabc", true), ("(ab)+c", "ac", false),
            ("colou?r", "color", true), ("x{2,3}y", "xxy", true), ("x{2,3}y", "xy", false), ("^x{2}$", "xxx", false),
            ("a{2,}", "baab", true), ("[[:digit:]]+$", "abc123", true), ("[\\d-]+", "--", true),
            ("\\bcat\\b", "a cat sat", true), ("\\bcat\\b", "concatenate", false), ("\\Bcat", "concat", true),
            ("(?i)HELLO", "say hello", true), ("(?:ab|cd)e", "cde", true), ("a.c", "a\nc", false),
            ("\\x41\\x{42}", "AB", true), ("é.", "éa", true), ("^.$", "é", true), ("a\\.b", "axb", false),
            ("[a-c]+?x", "bbx", true), ("a*", "", true), ("(a*)*b", "aaab", true), ("\\Aab\\z", "ab", true),
            ("{", "a{b", true), ("a{,2}", "a{,2}", true),
        ]
        for (pattern, input, expected) in cases {
            XCTAssertEqual(match(pattern, input), expected, "\(pattern) on \(input)")
        }
    }

    func testPatternsThatBacktrackExponentiallyStayLinear() {
        // Each of these takes exponential time on a backtracking engine.
        let input = String(repeating: "a", count: 20_000) + "!"
        XCTAssertFalse(match("(a+)+$", input))
        XCTAssertFalse(match("(a|aa)*b", input))
        XCTAssertFalse(match("(a*)*(a*)*(a*)*c", input))
        XCTAssertTrue(match("(a|a)*!", input))
    }

    func testRefusesWhatRE2RefusesAndOversizedPatterns() {
        let refused = ["(a)\\1", "a(?=b)", "a(?!b)", "(?<=a)b", "a**", "*a", "(ab", "ab)", "[ab", "a{1001}",
                       "x{5,2}", "\\q", String(repeating: "a", count: 5000) + "(", "((((a{1000}){1000}))))", "a\\"]
        for pattern in refused {
            XCTAssertThrowsError(try BoundedRegex(pattern), pattern)
        }
    }

    func testBadRegexInAScanIsBadScanSpec() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        try f.hql("INSERT INTO t VALUES ('r', 'a', 'v')")
        assertClientError(.badScanSpec) { _ = try f.hql("SELECT * FROM t WHERE ROW REGEXP \"(a)\\1\"") }
        var spec = ScanSpec()
        spec.valueRegexp = "a(?=b)"
        assertClientError(.badScanSpec) { _ = try f.session.getCells(f.ns, "t", scanSpec: spec) }
        spec.valueRegexp = "^v$"
        XCTAssertEqual(try f.session.getCells(f.ns, "t", scanSpec: spec).map(Fixture.line), ["r\ta\tv"])
    }
}

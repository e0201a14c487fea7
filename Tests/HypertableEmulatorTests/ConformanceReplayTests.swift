@testable import HypertableEmulator
import XCTest

final class ConformanceReplayTests: XCTestCase {
    private let script = """
    CREATE NAMESPACE "/c";
    USE "/c";
    CREATE TABLE t (a);

    INSERT INTO t VALUES ('r1', 'a', 'one'), ('r2', 'a', 'two');
    SELECT * FROM t;
    DROP TABLE nope;
    LOAD DATA INFILE "data.tsv" INTO TABLE t;
    SHOW TABLES;
    """

    func testEveryStatementPassesAgainstItsOwnTranscript() {
        let golden = HQLScriptRunner.transcript(HQLScriptRunner().run(script))
        let report = ConformanceReplay.run(hql: script, golden: golden)
        XCTAssertEqual(report.total, 8)
        XCTAssertEqual(report.passed, 7)
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.skipped.map(\.line), [8])
        XCTAssertNil(report.misalignedAtLine)
    }

    func testADifferenceCostsOneStatementAndShowsBothSides() {
        var golden = HQLScriptRunner.transcript(HQLScriptRunner().run(script))
        golden = golden.replacingOccurrences(of: "r2\ta\ttwo\n", with: "r2\ta\tTWO\nr3\ta\tthree\n")
        let report = ConformanceReplay.run(hql: script, golden: golden)
        XCTAssertEqual(report.passed, 6)
        XCTAssertEqual(report.failures.count, 1)
        let failure = report.failures[0]
        XCTAssertEqual(failure.line, 6)
        XCTAssertEqual(failure.statement, "SELECT * FROM t")
        XCTAssertEqual(failure.expected, ["r1\ta\tone", "r2\ta\tTWO", "r3\ta\tthree"])
        XCTAssertEqual(failure.actual, ["r1\ta\tone", "r2\ta\ttwo"])
        XCTAssertTrue(report.summary.contains("6 of 8 statements passed, 1 failed, 1 skipped"))
    }

    func testOutputEndingInBlankLinesBeforeABlankScriptLineStaysAligned() {
        let script = "CREATE NAMESPACE b; USE b; CREATE TABLE t (a);\nSHOW CREATE TABLE t;\n\nSHOW TABLES;\n"
        let golden = "CREATE NAMESPACE b; USE b; CREATE TABLE t (a);\nSHOW CREATE TABLE t;\nCREATE TABLE t (\n  a,\n"
            + "  ACCESS GROUP default (a)\n);\n\n\nSHOW TABLES;\nt\n"
        let report = ConformanceReplay.run(hql: script, golden: golden)
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.passed, 3)
    }

    func testATranscriptOfAnotherScriptIsReportedMisaligned() {
        let report = ConformanceReplay.run(hql: script, golden: "SOMETHING ELSE;\n")
        XCTAssertEqual(report.misalignedAtLine, 1)
        XCTAssertEqual(report.passed, 0)
        XCTAssertEqual(report.failures.count, 7)
    }

    func testLoadedFilesComeFromTheReader() {
        let script = "CREATE NAMESPACE r; USE r; CREATE TABLE t (v);\nLOAD DATA INFILE \"d.tsv\" INTO TABLE t;\nSELECT * FROM t;\n"
        let golden = "CREATE NAMESPACE r; USE r; CREATE TABLE t (v);\nLOAD DATA INFILE \"d.tsv\" INTO TABLE t;\nSELECT * FROM t;\nx\tv\t1\n"
        let withoutFiles = ConformanceReplay.run(hql: script, golden: golden)
        XCTAssertEqual(withoutFiles.skipped.count, 1)
        XCTAssertEqual(withoutFiles.failures.map(\.line), [3])
        let withFiles = ConformanceReplay.run(hql: script, golden: golden) { name in
            name == "d.tsv" ? Array("#row\tcolumn\tvalue\nx\tv\t1\n".utf8) : nil
        }
        XCTAssertEqual(withFiles.passed, 3)
        XCTAssertEqual(withFiles.total, 3)
    }
}

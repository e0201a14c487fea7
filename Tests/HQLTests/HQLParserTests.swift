import HQL
import TestSupport
import XCTest

final class HQLParserTests: XCTestCase {
    // The expected instants below are written as UTC nanoseconds.
    private var zone: TimeZonePin?
    override func setUp() { zone = TimeZonePin("UTC") }
    override func tearDown() { zone?.restore() }

    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> HQLStatement? {
        do { return try HQLParser.parse(text) } catch {
            XCTFail("parse failed: \(error)", file: file, line: line)
            return nil
        }
    }

    private func parseError(_ text: String) -> HQLError? {
        do {
            _ = try HQLParser.parse(text)
            return nil
        } catch { return error }
    }

    func testNamespaceStatements() {
        XCTAssertEqual(parse("CREATE NAMESPACE \"/test\""), .createNamespace(name: "/test", ifNotExists: false))
        XCTAssertEqual(parse("create namespace demo if not exists;"), .createNamespace(name: "demo", ifNotExists: true))
        XCTAssertEqual(parse("DROP NAMESPACE IF EXISTS 'app/prod'"), .dropNamespace(name: "app/prod", ifExists: true))
        // A path outside quotes is no name: Hypertable's user_identifier is a quoted string or
        // a letter, then letters, digits and `_`, so the statement ends before the `/`.
        XCTAssertEqual(parseError("USE app/prod")?.message, "parse error at: /prod (USE app/prod)")
        XCTAssertEqual(parseError("DROP NAMESPACE IF EXISTS app/prod")?.message, "parse error at: /prod (DROP NAMESPACE IF EXISTS app/prod)")
        XCTAssertNotNil(parseError("SELECT * FROM /x/t"))
        XCTAssertEqual(parse("USE '/test/subtest'"), .use(namespace: "/test/subtest"))
        XCTAssertEqual(parse("GET LISTING"), .getListing)
        XCTAssertEqual(parse("show tables"), .showTables)
        XCTAssertEqual(parse("EXISTS TABLE hypertable"), .existsTable(name: "hypertable"))
    }

    func testCreateTable() throws {
        let statement = parse("""
            create table Pages ("refer_url", "http_code" MAX_VERSIONS=3 TTL 2 DAYS, timestamp, rowkey COUNTER,
              ACCESS GROUP default ("refer_url", "http_code"), ACCESS GROUP misc (timestamp, rowkey) IN_MEMORY BLOCKSIZE 65536)
              REPLICATION 2 MAX_VERSIONS 5
            """)
        guard case .createTable(let t) = statement else { return XCTFail("not create table: \(String(describing: statement))") }
        XCTAssertEqual(t.name, "Pages")
        XCTAssertEqual(t.columnFamilies.map(\.name), ["refer_url", "http_code", "timestamp", "rowkey"])
        XCTAssertEqual(t.columnFamilies[1].options, HQLColumnFamilyOptions(maxVersions: 3, ttl: 172_800))
        XCTAssertEqual(t.columnFamilies[3].options.counter, true)
        XCTAssertEqual(t.accessGroups.map(\.name), ["default", "misc"])
        XCTAssertEqual(t.accessGroups[1].options.inMemory, true)
        XCTAssertEqual(t.accessGroups[1].options.blockSize, 65536)
        XCTAssertEqual(t.accessGroups[1].columnFamilies.map(\.name), ["timestamp", "rowkey"])
        XCTAssertEqual(t.accessGroupDefaults.replication, 2)
        XCTAssertEqual(t.columnFamilyDefaults.maxVersions, 5)
        XCTAssertEqual(parse("CREATE TABLE foo('test')"),
                       .createTable(HQLCreateTable(name: "foo", columnFamilies: [HQLColumnFamilyDefinition(name: "test")])))
        XCTAssertEqual(parse("CREATE TABLE Pages_clone LIKE Pages"),
                       .createTableLike(name: "Pages_clone", like: "Pages"))
        XCTAssertEqual(parse("DROP TABLE IF EXISTS hypertable"), .dropTable(name: "hypertable", ifExists: true))
    }

    func testInsertForms() {
        guard case .insert(let ins) = parse("""
            INSERT INTO t VALUES ('2007-12-02 08:00:00', 'foo', 'apple:0', 'nothing'), ("bar", "banana", "v\\n"), ('r', 'c:q', GUID());
            """) else { return XCTFail("not an insert") }
        XCTAssertEqual(ins.table, "t")
        XCTAssertEqual(ins.cells.count, 3)
        XCTAssertEqual(ins.cells[0].timestamp, 1_196_582_400_000_000_000)
        XCTAssertEqual(ins.cells[0].columnFamily, "apple")
        XCTAssertEqual(ins.cells[0].columnQualifier, "0")
        XCTAssertNil(ins.cells[1].timestamp)
        XCTAssertNil(ins.cells[1].columnQualifier)
        // HQL strings keep backslashes as they are (Hypertable's strip_quotes unescapes nothing).
        XCTAssertEqual(ins.cells[1].value, .literal("v\\n"))
        XCTAssertEqual(ins.cells[2].value, .guid)
    }

    /// Hypertable trims every quote character from both ends of an INSERT's column and value
    /// (`trim_if(..., is_any_of("'\""))`); its row and timestamp lose only their own quotes.
    func testInsertTrimsEveryQuoteFromTheEndsOfColumnAndValue() {
        guard case .insert(let ins) = parse("""
            INSERT INTO t VALUES ("'r'", '"a":"q"', '"x"'), ('r', "'b'", "it's'"), ('r', 'c', '""'), ('r', 'd', "a'b"),
              ('r', 'e', GUID()), ("2007-12-02 08:00:00", '"r"', 'f', '"v"')
            """) else { return XCTFail("not an insert") }
        XCTAssertEqual(ins.cells.map(\.row), [.literal("'r'"), .literal("r"), .literal("r"), .literal("r"), .literal("r"),
                                              .literal("\"r\"")])
        XCTAssertEqual(ins.cells.map(\.columnFamily), ["a\"", "b", "c", "d", "e", "f"])
        XCTAssertEqual(ins.cells[0].columnQualifier, "\"q")
        XCTAssertEqual(ins.cells.map(\.value), [.literal("x"), .literal("it's"), .literal(""), .literal("a'b"), .guid,
                                                .literal("v")])
        XCTAssertEqual(ins.cells[5].timestamp, 1_196_582_400_000_000_000)
        // Quoted inside its quotes, a timestamp is no timestamp (Hypertable: strip_quotes only).
        XCTAssertEqual(parseError("INSERT INTO t VALUES (\"'2007-12-02 08:00:00'\", 'r', 'c', 'v')")?.kind, .badTimestamp)
    }

    func testSelectPredicatesAndOptions() {
        guard case .select(let q) = parse("""
            SELECT a, b:q, c:^pre, d:/^x.*$/ FROM t WHERE 'a' <= ROW < 'b' AND TIMESTAMP < '2008-06-28 01:00:01'
            LIMIT=1 MAX_VERSIONS 2 CELL_LIMIT 3 CELL_LIMIT_PER_FAMILY 4 KEYS_ONLY RETURN_DELETES
            """) else { return XCTFail("not a select") }
        XCTAssertEqual(q.columns, [.family("a"), .cell(family: "b", qualifier: "q"),
                                   .qualifierPrefix(family: "c", prefix: "pre"), .qualifierRegex(family: "d", regex: "^x.*$")])
        XCTAssertEqual(q.rowIntervals, [HQLRowInterval(start: HQLBound("a", inclusive: true), end: HQLBound("b", inclusive: false))])
        XCTAssertNil(q.startTime)
        XCTAssertEqual(q.endTime, HQLTimestamp.parse("2008-06-28 01:00:01"))
        XCTAssertEqual([q.limit, q.maxVersions, q.cellLimit, q.cellLimitPerFamily], [1, 2, 3, 4])
        XCTAssertTrue(q.keysOnly && q.returnDeletes)

        guard case .select(let p) = parse("select * from t where row =^ 'pre'") else { return XCTFail() }
        XCTAssertEqual(p.rowIntervals, [HQLRowInterval(prefix: "pre")])
        XCTAssertTrue(p.columns.isEmpty)

        guard case .select(let o) = parse("SELECT * FROM t WHERE (ROW = 'a' OR ROW > 'x') REVS 1") else { return XCTFail() }
        XCTAssertEqual(o.rowIntervals.count, 2)
        XCTAssertEqual(o.maxVersions, 1)

        guard case .select(let c) = parse("SELECT * FROM t WHERE CELL = 'r','tag:q'") else { return XCTFail() }
        XCTAssertEqual(c.cellIntervals.count, 1)

        guard case .select(let m) = parse("SELECT * FROM t WHERE ROW >= 'b' AND ROW <= 'd' AND ROW REGEXP 'c.*' AND VALUE REGEXP 'v'") else { return XCTFail() }
        XCTAssertEqual(m.rowIntervals, [HQLRowInterval(start: HQLBound("b", inclusive: true), end: HQLBound("d", inclusive: true))])
        XCTAssertEqual(m.rowRegexp, "c.*")
        XCTAssertEqual(m.valueRegexp, "v")
    }

    func testDelete() {
        XCTAssertEqual(parse("delete \"apple:1\" from hypertable where row = 'foo' timestamp '2007-12-02 08:00:01'"),
                       .delete(HQLDelete(columns: [.cell(family: "apple", qualifier: "1")], table: "hypertable", row: "foo",
                                         timestamp: HQLTimestamp.parse("2007-12-02 08:00:01"))))
        XCTAssertEqual(parse("DELETE * FROM t WHERE ROW = 'x'"), .delete(HQLDelete(columns: [], table: "t", row: "x")))
        XCTAssertEqual(parse("DELETE a, 'b:c' FROM t WHERE ROW = 'x' VERSION '5'"),
                       .delete(HQLDelete(columns: [.family("a"), .cell(family: "b", qualifier: "c")], table: "t", row: "x", version: 5)))
    }

    func testGroupTwoStatements() {
        XCTAssertEqual(parse("RENAME TABLE foo TO foo_renamed"), .renameTable(from: "foo", to: "foo_renamed"))
        XCTAssertEqual(parse("SHOW CREATE TABLE foo"), .showCreateTable(name: "foo"))
        XCTAssertEqual(parse("DESCRIBE TABLE WITH IDS foo"), .describeTable(name: "foo", withIDs: true))
        guard case .alterTable(let a) = parse("ALTER TABLE t ADD (x MAX_VERSIONS 2) DROP (y) RENAME COLUMN FAMILY (z, w)")
        else { return XCTFail() }
        XCTAssertEqual(a.actions.count, 3)
        XCTAssertEqual(a.actions[1], .drop(columnFamilies: ["y"]))
        XCTAssertEqual(a.actions[2], .renameColumnFamily(from: "z", to: "w"))
    }

    func testClassification() throws {
        XCTAssertEqual(try HQLClassifier.classify("select * from t"), .read)
        XCTAssertEqual(try HQLClassifier.classify("SHOW TABLES"), .read)
        XCTAssertEqual(try HQLClassifier.classify("describe table t"), .read)
        XCTAssertEqual(try HQLClassifier.classify("INSERT INTO t VALUES ('r','c','v')"), .write)
        XCTAssertEqual(try HQLClassifier.classify("delete * from t where row='r'"), .write)
        XCTAssertEqual(try HQLClassifier.classify("CREATE TABLE t (a)"), .ddl)
        XCTAssertEqual(try HQLClassifier.classify("drop namespace x"), .ddl)
        XCTAssertEqual(try HQLClassifier.classifyScript("select * from t; drop table t"), .ddl)
        XCTAssertThrowsError(try HQLClassifier.classify("select * from t; drop table t"))
    }

    func testCommentsAndCase() {
        XCTAssertEqual(parse("# comment\nSeLeCt * FrOm t -- trailing\n"), parse("SELECT * FROM t"))
        XCTAssertEqual(parse("/* block */ show tables"), .showTables)
    }

    func testErrorPositions() {
        let e = parseError("SELECT * FROM t\nWHERE ROW = 'x' LIMIT banana")
        XCTAssertEqual(e?.kind, .unexpectedToken)
        XCTAssertEqual(e?.position.line, 2)
        XCTAssertEqual(e?.position.column, 23)
        let s = parseError("select * from t where row = 'abc")
        XCTAssertEqual(s?.kind, .unterminatedString)
        XCTAssertEqual(s?.position.column, 29)
        XCTAssertEqual(parseError("")?.kind, .emptyInput)
        XCTAssertEqual(parseError("  ;; ")?.kind, .emptyInput)
        XCTAssertEqual(parseError("SELECT * FROM t LIMIT 99999999999999999999999")?.kind, .numberOutOfRange)
        XCTAssertEqual(parseError("INSERT INTO t VALUES ('not a time', 'r', 'c', 'v')")?.kind, .badTimestamp)
        XCTAssertEqual(parseError("FROBNICATE t")?.kind, .invalidStatement)
        XCTAssertEqual(parseError("SELECT * FROM t WHERE 'old','tag:foo' < CELL >= 'old','tag:abacate'")?.kind, .invalidStatement)
        XCTAssertEqual(parseError("SELECT * FROM t OFFSET 1 CELL_OFFSET 2")?.kind, .invalidStatement)
        XCTAssertEqual(parseError("select * from t where row = 'a' and cell = 'a','b'")?.kind, .invalidStatement)
        XCTAssertEqual(parseError("SELECT * FROM")?.kind, .unexpectedEnd)
        XCTAssertEqual(parseError("select * from t where row @ 'x'")?.kind, .unexpectedCharacter)
    }

    func testHostileInputsNeverCrash() {
        let deep = String(repeating: "(", count: 100_000) + "ROW = 'a'"
        XCTAssertNotNil(parseError("SELECT * FROM t WHERE " + deep))
        XCTAssertNotNil(parseError("SELECT * FROM t WHERE ROW = 'a" + String(repeating: "\\", count: 1001)))
        XCTAssertNotNil(parseError(String(repeating: "9", count: 10_000)))
        XCTAssertNotNil(parseError("/* never closed"))
        XCTAssertNotNil(parseError("SELECT a:/unterminated FROM t"))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? HQLParser.parseScript(String(decoding: bytes, as: UTF8.self))
        }
        let words = ["SELECT", "*", "FROM", "t", "WHERE", "ROW", "=", "'x'", "(", ")", "OR", "AND", ",", "CELL", "<",
                     "TIMESTAMP", "LIMIT", "1", "INSERT", "INTO", "VALUES", "CREATE", "TABLE", "ACCESS", "GROUP", ";", ":", "^"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 1...20, using: &generator)).map { _ in words.randomElement(using: &generator) ?? "" }
                .joined(separator: " ")
            _ = try? HQLParser.parseScript(text)
        }
    }

    func testTimestamps() {
        XCTAssertEqual(HQLTimestamp.parse("1970-01-01 00:00:00"), 0)
        XCTAssertEqual(HQLTimestamp.parse("2008-06-28 01:00:01.5"), 1_214_614_801_500_000_000)
        XCTAssertEqual(HQLTimestamp.format(1_214_614_801_500_000_000), "2008-06-28 01:00:01.500000000")
        XCTAssertEqual(HQLTimestamp.parse("12345"), 12345)
        XCTAssertNil(HQLTimestamp.parse("2008-13-01"))
        XCTAssertNil(HQLTimestamp.parse("9999999999-01-01"))
        XCTAssertNil(HQLTimestamp.parse("99999999999999999999"))
    }

    /// Options given twice are refused in the words of Hypertable's HQL parser; a zero limit
    /// counts as not given there, and table-wide column defaults are not checked.
    func testDuplicateOptionsAreRefusedAsHypertableWordsThem() {
        let refused: [(String, String)] = [
            ("SELECT * FROM t LIMIT 1 LIMIT 2", "SELECT LIMIT predicate multiply defined."),
            ("SELECT * FROM t OFFSET 1 OFFSET 2", "SELECT OFFSET predicate multiply defined."),
            ("SELECT * FROM t CELL_OFFSET 1 CELL_OFFSET 2", "SELECT CELL_OFFSET predicate multiply defined."),
            ("SELECT * FROM t OFFSET 1 CELL_OFFSET 2", "SELECT OFFSET predicate not allowed in combination with OFFSET."),
            ("SELECT * FROM t CELL_LIMIT 1 CELL_LIMIT 2", "SELECT CELL_LIMIT predicate multiply defined."),
            ("SELECT * FROM t CELL_LIMIT_PER_FAMILY 1 CELL_LIMIT_PER_FAMILY 2",
             "SELECT CELL_LIMIT_PER_FAMILY predicate multiply defined."),
            ("SELECT * FROM t MAX_VERSIONS 1 REVS 2", "SELECT MAX_VERSIONS predicate multiply defined."),
            ("CREATE TABLE t (a MAX_VERSIONS 1 MAX_VERSIONS 2)", "Multiple specifications of MAX_VERSIONS option for column 'a'"),
            ("CREATE TABLE t (a TTL 1 DAY TTL 2)", "Multiple specifications of TTL option for column 'a'"),
            ("CREATE TABLE t (a COUNTER COUNTER false)", "Multiple specifications of COUNTER option for column 'a'"),
            ("CREATE TABLE t (a TIME_ORDER DESC TIME_ORDER ASC)", "Multiple specifications of TIME_ORDER option for column 'a'"),
            ("CREATE TABLE t (ACCESS GROUP g (a) MAX_VERSIONS 1 MAX_VERSIONS 2)",
             "Multiple specifications of MAX_VERSIONS option for access group 'g'"),
            ("CREATE TABLE t (a) GROUP_COMMIT_INTERVAL 100 GROUP_COMMIT_INTERVAL 200", "GROUP_COMMIT_INTERVAL multiply defined"),
        ]
        for (text, message) in refused {
            XCTAssertEqual(parseError(text)?.message, message, text)
        }
        let accepted = [
            "SELECT * FROM t LIMIT 0 LIMIT 2", "SELECT * FROM t LIMIT 1 CELL_LIMIT 2 OFFSET 3 MAX_VERSIONS 4",
            "CREATE TABLE t (a MAX_VERSIONS 1, b MAX_VERSIONS 3, ACCESS GROUP g (b) MAX_VERSIONS 2)",
            "CREATE TABLE t (a) MAX_VERSIONS 1 MAX_VERSIONS 2",
        ]
        for text in accepted { XCTAssertNil(parseError(text), text) }
        guard case .select(let q)? = parse("SELECT * FROM t LIMIT 0 LIMIT 2") else { return XCTFail("not a select") }
        XCTAssertEqual(q.limit, 2)
    }

    func testIndexClausesMergeIntoTheFamilyOfThatName() {
        guard case .createTable(let t)? = parse("CREATE TABLE t (a MAX_VERSIONS 2, QUALIFIER INDEX b, INDEX a, b TTL 60)") else {
            return XCTFail("not a create table")
        }
        XCTAssertEqual(t.columnFamilies, [
            HQLColumnFamilyDefinition(name: "a", options: .init(maxVersions: 2), valueIndex: true),
            HQLColumnFamilyDefinition(name: "b", options: .init(ttl: 60), qualifierIndex: true),
        ])
        guard case .alterTable(let alter)? = parse("ALTER TABLE t ADD (INDEX a)"),
              case .add(let families, _)? = alter.actions.first else { return XCTFail("not an alter table") }
        XCTAssertEqual(families, [HQLColumnFamilyDefinition(name: "a", valueIndex: true, indexOnly: true)])
        XCTAssertEqual(parseError("CREATE TABLE t (a, QUALIFIER INDEX a, QUALIFIER INDEX a)")?.message,
                       "Qualifier index for column family 'a' multiply defined")
        XCTAssertEqual(parseError("CREATE TABLE t (a COUNTER, QUALIFIER INDEX a)")?.message,
                       "Attempt to define qualifier index for COUNTER column 'a'")
    }

    /// Hypertable reads and prints timestamps in the local zone (mktime / localtime_r), so under
    /// TZ=Asia/Tokyo (UTC+9, no daylight saving) midnight is 15:00 UTC the day before.
    func testTimestampsFollowTheLocalZone() {
        let utcMidnight: Int64 = 1_767_225_600_000_000_000 // 2026-01-01 00:00:00 UTC
        TimeZonePin.with("Asia/Tokyo") {
            XCTAssertEqual(HQLTimestamp.parse("2026-01-01 00:00:00"), utcMidnight - 9 * 3600 * 1_000_000_000)
            XCTAssertEqual(HQLTimestamp.parse("2026-01-01"), utcMidnight - 9 * 3600 * 1_000_000_000)
            XCTAssertEqual(HQLTimestamp.format(utcMidnight), "2026-01-01 09:00:00.000000000")
            XCTAssertEqual(HQLTimestamp.format(utcMidnight - 9 * 3600 * 1_000_000_000 + 5), "2026-01-01 00:00:00.000000005")
        }
        // A zone west of UTC, given as a POSIX rule so no zone database is needed.
        TimeZonePin.with("EST5") {
            XCTAssertEqual(HQLTimestamp.parse("2026-01-01 00:00:00.25"), utcMidnight + 5 * 3600 * 1_000_000_000 + 250_000_000)
            XCTAssertEqual(HQLTimestamp.format(utcMidnight), "2025-12-31 19:00:00.000000000")
        }
        // Daylight saving decided by the date, as mktime with tm_isdst = -1 does.
        TimeZonePin.with("EST5EDT,M3.2.0,M11.1.0") {
            XCTAssertEqual(HQLTimestamp.parse("2026-07-01 12:00:00"), 1_782_921_600_000_000_000) // 16:00 UTC
            XCTAssertEqual(HQLTimestamp.format(1_782_921_600_000_000_000), "2026-07-01 12:00:00.000000000")
        }
        XCTAssertEqual(HQLTimestamp.parse("2026-01-01 00:00:00"), utcMidnight, "the pin is restored")
        XCTAssertEqual(HQLTimestamp.format(-1), "1969-12-31 23:59:59.999999999")
        XCTAssertEqual(HQLTimestamp.parse("1969-12-31 23:59:59"), -1_000_000_000, "mktime's -1 is an instant, not an error")
    }

    func testParsedStatementsUseTheLocalZone() throws {
        try TimeZonePin.with("Asia/Tokyo") {
            guard case .select(let q) = try HQLParser.parse("SELECT * FROM t WHERE TIMESTAMP < '2026-01-01 09:00:00'") else {
                return XCTFail("not a select")
            }
            XCTAssertEqual(q.endTime, 1_767_225_600_000_000_000)
        }
    }

    /// Found by FuzzHQL (input also in Tests/Fuzz/Regressions/FuzzHQL): the `SS:N` nanoseconds
    /// form accumulated every digit before checking there were at most 9, so a long run of
    /// digits overflowed Int and trapped: a query naming such a TIMESTAMP stopped the gateway.
    func testFuzzRegressionLongNanosecondsFieldIsRefusedNotATrap() {
        let crash: [UInt8] = [
            0x32, 0x30, 0x30, 0x38, 0x2D, 0x30, 0x36, 0x2D, 0x32, 0x38, 0x20, 0x30, 0x31, 0x3A, 0x30, 0x30,
            0x3A, 0x30, 0x31, 0x3A, 0x30, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34,
            0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34,
            0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x34, 0x30, 0x30, 0x30, 0x38, 0x2D,
            0x30, 0x36, 0x31, 0x3A, 0x36
        ]
        XCTAssertNil(HQLTimestamp.parse(String(decoding: crash, as: UTF8.self)))
        XCTAssertNil(HQLTimestamp.parse("2008-06-28 01:00:01:" + String(repeating: "4", count: 40)))
        XCTAssertNil(HQLTimestamp.parse("2008-06-28 01:00:01:1234567890"), "10 digits")
        XCTAssertEqual(HQLTimestamp.parse("2008-06-28 01:00:01:123456789"),
                       HQLTimestamp.parse("2008-06-28 01:00:01").map { $0 + 123_456_789 })
        XCTAssertNil(try? HQLParser.parse(
            "SELECT * FROM t WHERE TIMESTAMP < '2008-06-28 01:00:01:" + String(repeating: "9", count: 30) + "'"))
    }
}

final class HQLColumnPredicateParserTests: XCTestCase {
    func testColumnPredicateForms() throws {
        guard case .select(let q) = try HQLParser.parse("SELECT a FROM t WHERE a:q =~ /x\\/y/ OR REGEXP(a, 'z') OR EXISTS(a:k) OR a = 'v'")
        else { return XCTFail("not a select") }
        XCTAssertEqual(q.valuePredicates, [
            HQLValuePredicate(family: "a", qualifier: .exact("q"), operation: .regex, value: "x/y"),
            HQLValuePredicate(family: "a", operation: .regex, value: "z"),
            HQLValuePredicate(family: "a", qualifier: .exact("k"), operation: .exists, value: ""),
            HQLValuePredicate(family: "a", operation: .exact, value: "v"),
        ])
        XCTAssertThrowsError(try HQLParser.parse("SELECT a FROM t WHERE EXISTS(a)"))
    }
}

/// A statement Hypertable's grammar cannot match is refused in Hypertable's words
/// (`HqlInterpreter::execute`: `parse error at: <where the parse stopped> (<statement>)`), the
/// parser's own account kept in `detail`; messages Hypertable's parser gives itself stay.
final class HQLParseErrorWordingTests: XCTestCase {
    private func error(_ text: String) -> HQLError? {
        do {
            _ = try HQLParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    func testGrammarFailuresAreWordedAsHypertableWordsThem() throws {
        // From Hypertable's indices_test and timeorder_test transcripts.
        let index = try XCTUnwrap(error("CREATE TABLE t (a, INDEX (a))"))
        XCTAssertEqual(index.message, "parse error at: CREATE TABLE t (a, INDEX (a)) (CREATE TABLE t (a, INDEX (a)))")
        XCTAssertNotNil(index.detail)
        XCTAssertEqual(error("  CREATE TABLE timeorder_test (cf1 TIME_ORDER, cf2, cf3)\n")?.message,
                       "parse error at: CREATE TABLE timeorder_test (cf1 TIME_ORDER, cf2, cf3) "
                       + "(CREATE TABLE timeorder_test (cf1 TIME_ORDER, cf2, cf3))")
        // A whole statement matched, then tokens followed: the parse stopped at them.
        XCTAssertEqual(error("DROP TABLE t garbage")?.message, "parse error at:  garbage (DROP TABLE t garbage)")
        // Lexical failures too: in a mandatory part at the start, in an optional part where
        // that part begins (Hypertable's parser backs out of `!where_clause`).
        XCTAssertEqual(error("SELECT 'open FROM t")?.message, "parse error at: SELECT 'open FROM t (SELECT 'open FROM t)")
        XCTAssertEqual(error("SELECT * FROM t WHERE ROW = 'open")?.message,
                       "parse error at:  WHERE ROW = 'open (SELECT * FROM t WHERE ROW = 'open)")
        XCTAssertEqual(error("SELECT * FROM t LIMIT 1 !")?.message, "parse error at:  ! (SELECT * FROM t LIMIT 1 !)")
        // What Hypertable's parser words itself keeps its words.
        XCTAssertEqual(error("SELECT * FROM t LIMIT 1 LIMIT 2")?.message, "SELECT LIMIT predicate multiply defined.")
        XCTAssertNil(error("SELECT * FROM t LIMIT 1 LIMIT 2")?.detail)
    }

    /// Hypertable's parser stops after the last point where the statement was whole: a
    /// `SELECT`, `INSERT` or `CREATE TABLE` that matched up to an optional part (a WHERE
    /// clause, another predicate, option or value) and went on with tokens it cannot match
    /// names those tokens, not the statement's start.
    func testAnOptionalPartThatDoesNotMatchIsWhereTheParseStopped() {
        let cases: [(String, String)] = [
            ("SELECT * FROM t WHERE ROW = 'a' junk", " junk"),
            ("SELECT * FROM t WHERE junk", " WHERE junk"),
            ("SELECT * FROM t LIMIT", " LIMIT"),
            ("SELECT * FROM t LIMIT 5 OFFSET x", " OFFSET x"),
            ("SELECT * FROM t WHERE ROW = 'a' AND", " AND"),
            ("SELECT * FROM t WHERE ROW = 'a' AND junk = 'x' MAX_VERSIONS", " MAX_VERSIONS"),
            ("SELECT a FROM t WHERE a = 'x' OR junk", " OR junk"),
            ("SELECT * FROM t WHERE ROW = 'a' OR ROW = 'b'", " OR ROW = 'b'"),
            ("SELECT CELLS a:q, b FROM t KEYS_ONLY DISPLAY_TIMESTAMPS whatever", " whatever"),
            ("INSERT INTO t VALUES ('r', 'a', 'v') junk", "junk"),
            ("INSERT INTO t VALUES ('r', 'a', 'v'), ('x')", ", ('x')"),
            ("INSERT INTO t VALUES ('r', 'a', 'v'), ('r2', 'a', 'v2'),", ","),
            ("CREATE TABLE t (a) MAX_VERSIONS junk", "MAX_VERSIONS junk"),
            ("CREATE TABLE t (a, b) BLOCKSIZE 100 COUNTER junk", " junk"),
            ("CREATE TABLE t (a) 'open", "'open"),
        ]
        for (statement, rest) in cases {
            XCTAssertEqual(error(statement)?.message, "parse error at: \(rest) (\(statement))",
                           statement)
        }
        // A mandatory part that does not match: the parse stopped at the start.
        for statement in ["SELECT * FRM t", "INSERT INTO t VALUES junk", "INSERT INTO t VALUES ('r', 'a')",
                          "CREATE TABLE t (a junk)", "SELECT a, FROM t"] {
            XCTAssertEqual(error(statement)?.message, "parse error at: \(statement) (\(statement))", statement)
        }
    }

    /// An optional part before a required one (`DESCRIBE TABLE !(WITH >> IDS) name`, `DROP
    /// TABLE !(IF >> EXISTS) name`) is taken whole or not at all, as Spirit's `!` takes it:
    /// with no name after it the statement fails, and a lone `WITH` or `IF` is the name (they
    /// are no keywords of Hypertable's).
    func testAnOptionalPartBeforeARequiredOneIsTakenWholeOrNotAtAll() throws {
        for statement in ["DESCRIBE TABLE WITH IDS", "DROP TABLE IF EXISTS", "DROP NAMESPACE IF EXISTS",
                          "drop database if exists", "DESCRIBE TABLE WITH IDS ;"] {
            let trimmed = statement.hasSuffix(" ;") ? String(statement.dropLast(2)) : statement
            XCTAssertEqual(error(trimmed)?.message, "parse error at: \(trimmed) (\(trimmed))", statement)
        }
        XCTAssertEqual(try HQLParser.parse("DESCRIBE TABLE WITH"), .describeTable(name: "WITH", withIDs: false))
        XCTAssertEqual(try HQLParser.parse("DESCRIBE TABLE WITH IDS t"), .describeTable(name: "t", withIDs: true))
        XCTAssertEqual(try HQLParser.parse("DROP TABLE IF"), .dropTable(name: "IF", ifExists: false))
        XCTAssertEqual(try HQLParser.parse("DROP TABLE IF EXISTS t"), .dropTable(name: "t", ifExists: true))
        XCTAssertEqual(try HQLParser.parse("DROP NAMESPACE if"), .dropNamespace(name: "if", ifExists: false))
        // The lone word was the name, so the parse stopped after it.
        XCTAssertEqual(error("DESCRIBE TABLE WITH t")?.message, "parse error at:  t (DESCRIBE TABLE WITH t)")
        XCTAssertEqual(error("DROP TABLE IF t")?.message, "parse error at:  t (DROP TABLE IF t)")
        XCTAssertEqual(error("DROP NAMESPACE IF NOT EXISTS x")?.message,
                       "parse error at:  NOT EXISTS x (DROP NAMESPACE IF NOT EXISTS x)")
    }

    /// What Hypertable's grammar refuses is refused in its words: INSERT fields that are not
    /// string literals (bare words, numbers; `GUID()` is the one call), `CREATE TABLE IF NOT
    /// EXISTS` (the grammar has none: IF is read as the name), IF NOT EXISTS before a
    /// namespace's name, an access group without its member list or with options on a member.
    func testWhatHypertablesGrammarRefusesIsRefused() {
        let atStart = [
            "INSERT INTO t VALUES (r, 'a', 'v')",
            "INSERT INTO t VALUES ('r', 'a', v)",
            "INSERT INTO t VALUES ('r', a, 'v')",
            "INSERT INTO t VALUES ('r', 'a', 5)",
            "INSERT INTO t VALUES (1, 'r', 'a', 'v')",
            "INSERT INTO t VALUES (GUID(), 'r', 'a', 'v')",
            "CREATE TABLE IF NOT EXISTS t (a)",
            "CREATE TABLE t (a, ACCESS GROUP g)",
            "CREATE TABLE t (a, ACCESS GROUP g IN_MEMORY (a))",
            "CREATE TABLE t (ACCESS GROUP g (a MAX_VERSIONS 1))",
        ]
        for statement in atStart {
            XCTAssertEqual(error(statement)?.message, "parse error at: \(statement) (\(statement))", statement)
        }
        let cases: [(String, String)] = [
            ("INSERT INTO t VALUES ('r', 'a', 'v'), ('r', 'a', v)", ", ('r', 'a', v)"),
            ("CREATE NAMESPACE IF NOT EXISTS n", " NOT EXISTS n"),
            ("ALTER TABLE t ADD (b) ADD (ACCESS GROUP g)", "ADD (ACCESS GROUP g)"),
        ]
        for (statement, rest) in cases {
            XCTAssertEqual(error(statement)?.message, "parse error at: \(rest) (\(statement))", statement)
        }
        // Keys, timestamps and values in other statements are quoted strings too.
        for (statement, rest) in [("SELECT * FROM t WHERE ROW = r", " WHERE ROW = r"),
                                  ("SELECT * FROM t WHERE ROW = 5", " WHERE ROW = 5"),
                                  ("SELECT * FROM t WHERE TIMESTAMP > 5", " WHERE TIMESTAMP > 5"),
                                  ("SELECT * FROM t WHERE a = v", " WHERE a = v"),
                                  ("DELETE * FROM t WHERE ROW = r", "DELETE * FROM t WHERE ROW = r"),
                                  ("DELETE a:q FROM t WHERE ROW = 'r'", "DELETE a:q FROM t WHERE ROW = 'r'"),
                                  ("DELETE * FROM t WHERE ROW = 'r' VERSION 5", " VERSION 5")] {
            XCTAssertEqual(error(statement)?.message, "parse error at: \(rest) (\(statement))", statement)
        }
        XCTAssertNotNil(try? HQLParser.parse("SELECT a:q, b:^p FROM t WHERE EXISTS(a:q) AND b:'' = 'v'"), "a qualifier may be a bare word")
        XCTAssertEqual(try? HQLParser.parse("DELETE 'a:q', b FROM t WHERE ROW = 'r'"),
                       .delete(HQLDelete(columns: [.cell(family: "a", qualifier: "q"), .family("b")], table: "t", row: "r")))
        XCTAssertEqual(error("INSERT INTO t VALUES (now(), 'a', 'v')")?.message, "Unknown function identifier 'now()'")
        XCTAssertEqual(error("INSERT INTO t VALUES ('yesterday', 'r', 'a', 'v')")?.message,
                       "Unable to parse INSERT timestamp - 'yesterday'")
        guard case .insert(let insert)? = try? HQLParser.parse("INSERT INTO t VALUES ('5', GUID(), 'a', guid())") else {
            return XCTFail("not an insert")
        }
        XCTAssertEqual(insert.cells.first?.timestamp, 5)
        XCTAssertEqual(insert.cells.first?.row, .guid)
        XCTAssertEqual(insert.cells.first?.value, .guid)
        XCTAssertEqual(try? HQLParser.parse("CREATE NAMESPACE n IF NOT EXISTS"), .createNamespace(name: "n", ifNotExists: true))
    }

    /// Hypertable's `identifier` is a word starting with a letter, and none of its grammar's
    /// keywords, spelt as its list spells them (case matters); other names must be quoted.
    func testAKeywordIsNoNameUnlessQuoted() {
        for statement in ["DROP TABLE table", "CREATE TABLE t (a, value)", "CREATE TABLE t (a, ACCESS GROUP group (a))",
                          "SELECT * FROM Table WHERE ROW = 'r'", "SELECT INDEX FROM t", "USE NAMESPACE",
                          "CREATE TABLE t (WAITfor)", "DROP TABLE _t", "SELECT * FROM _t WHERE ROW = 'r'"] {
            XCTAssertEqual(error(statement)?.message, "parse error at: \(statement) (\(statement))", statement)
        }
        XCTAssertEqual(error("SELECT * FROM t WHERE value = 'x'")?.message,
                       "parse error at:  WHERE value = 'x' (SELECT * FROM t WHERE value = 'x')")
        XCTAssertEqual(try? HQLParser.parse("DROP TABLE 'table'"), .dropTable(name: "table", ifExists: false))
        for name in ["Value", "tAble", "WAIT", "tables", "grouping", "NameSpace"] {
            XCTAssertEqual(try? HQLParser.parse("DROP TABLE \(name)"), .dropTable(name: name, ifExists: false), name)
        }
    }

    /// When no statement matches, Hypertable's parse stops where its last alternative,
    /// `REBUILD >> *(VALUE | QUALIFIER) >> INDICES >> user_identifier`, failed: its keywords
    /// advance a character at a time, so a statement that begins like REBUILD names the rest.
    func testAStatementNoAlternativeMatchesStopsWhereRebuildIndicesFailed() {
        let cases: [(String, String)] = [
            ("RENAME TABLE a", "NAME TABLE a"),
            ("rename table a to", "name table a to"),
            ("REBUILD INDEX t", "EX t"),
            ("REBUILD VALUE INDICE t", " t"),
            ("REBUILD INDICES", ""),
            ("Rebuild Qualifier Indices 'open", "'open"),
            ("DROP TABLE", "DROP TABLE"),
        ]
        for (statement, rest) in cases {
            XCTAssertEqual(error(statement)?.message, "parse error at: \(rest) (\(statement))", statement)
        }
    }
}

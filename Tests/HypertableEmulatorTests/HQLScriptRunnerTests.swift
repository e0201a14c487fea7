import HQL
import HypertableClient
@testable import HypertableEmulator
import TestSupport
import XCTest

final class HQLScriptRunnerTests: XCTestCase {
    private func transcript(_ script: String) -> [String] {
        let text = HQLScriptRunner.transcript(HQLScriptRunner().run(script))
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func testEchoesTrimmedLinesJoinsMultiLineStatementsAndPrintsCells() {
        let lines = transcript("""
        CREATE NAMESPACE "/shop";
        USE "/shop";
        # a comment is echoed, never run
        CREATE TABLE fruit (
            color,
          price  
        );
        INSERT INTO fruit VALUES ('2001-02-03 04:05:06', 'kiwi', 'color', 'green'), ('2001-02-03 04:05:07', 'apple', 'price:eur', '1');
        SELECT * FROM fruit;
        SELECT * FROM fruit DISPLAY_TIMESTAMPS;
        SELECT * FROM fruit WHERE ROW = 'kiwi' KEYS_ONLY;

        """)
        XCTAssertEqual(lines, [
            "CREATE NAMESPACE \"/shop\";", "USE \"/shop\";", "# a comment is echoed, never run",
            "CREATE TABLE fruit (", "color,", "price", ");",
            "INSERT INTO fruit VALUES ('2001-02-03 04:05:06', 'kiwi', 'color', 'green'), ('2001-02-03 04:05:07', 'apple', 'price:eur', '1');",
            "SELECT * FROM fruit;", "apple\tprice:eur\t1", "kiwi\tcolor\tgreen",
            "SELECT * FROM fruit DISPLAY_TIMESTAMPS;",
            "2001-02-03 04:05:07.000000000\tapple\tprice:eur\t1", "2001-02-03 04:05:06.000000000\tkiwi\tcolor\tgreen",
            "SELECT * FROM fruit WHERE ROW = 'kiwi' KEYS_ONLY;", "kiwi",
        ])
    }

    /// The shell reads timestamps in INSERT values and DELETE / SELECT predicates, and prints
    /// them, in the local zone (`TZ`): under UTC+9 the same script stores instants nine hours
    /// earlier than under UTC and still prints the times it was given.
    func testTimestampsAreReadAndPrintedInTheLocalZone() throws {
        let script = """
        CREATE NAMESPACE tz; USE tz; CREATE TABLE t (a);
        INSERT INTO t VALUES ('2026-01-01 00:00:00', 'r', 'a:x', 'v0'), ('2026-01-01 00:00:02', 'r', 'a:y', 'v2');
        SELECT * FROM t WHERE TIMESTAMP < '2026-01-01 00:00:01' DISPLAY_TIMESTAMPS;
        DELETE 'a:y' FROM t WHERE ROW = 'r' TIMESTAMP '2026-01-01 00:00:02';
        SELECT * FROM t DISPLAY_TIMESTAMPS;

        """
        let expected = [
            "CREATE NAMESPACE tz; USE tz; CREATE TABLE t (a);",
            "INSERT INTO t VALUES ('2026-01-01 00:00:00', 'r', 'a:x', 'v0'), ('2026-01-01 00:00:02', 'r', 'a:y', 'v2');",
            "SELECT * FROM t WHERE TIMESTAMP < '2026-01-01 00:00:01' DISPLAY_TIMESTAMPS;",
            "2026-01-01 00:00:00.000000000\tr\ta:x\tv0",
            "DELETE 'a:y' FROM t WHERE ROW = 'r' TIMESTAMP '2026-01-01 00:00:02';",
            "SELECT * FROM t DISPLAY_TIMESTAMPS;",
            "2026-01-01 00:00:00.000000000\tr\ta:x\tv0",
        ]
        let runner = HQLScriptRunner()
        let lines = TimeZonePin.with("Asia/Tokyo") {
            HQLScriptRunner.transcript(runner.run(script)).split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(lines, expected)
        // What was stored is the Tokyo midnight, 2025-12-31 15:00:00 UTC.
        let printedInUTC = TimeZonePin.with("UTC") {
            HQLScriptRunner.transcript(runner.run("SELECT * FROM t DISPLAY_TIMESTAMPS;\n"))
        }
        XCTAssertEqual(printedInUTC, "SELECT * FROM t DISPLAY_TIMESTAMPS;\n2025-12-31 15:00:00.000000000\tr\ta:x\tv0\n")
    }

    /// Hypertable's HQL reference creates indexed families as `a, INDEX a`: the index clause
    /// marks the family of that name; `ALTER TABLE ... ADD (INDEX x)` indexes an existing one.
    func testIndexClausesMarkTheFamilyOfThatName() {
        let lines = transcript("""
        CREATE NAMESPACE i; USE i;
        CREATE TABLE t (a, b, c, INDEX a, QUALIFIER INDEX b, INDEX c, QUALIFIER INDEX c);
        SHOW CREATE TABLE t;
        CREATE TABLE u (INDEX a, ACCESS GROUP g (a, b));
        ALTER TABLE u ADD (QUALIFIER INDEX b, c, INDEX c);
        SHOW CREATE TABLE u;
        ALTER TABLE u ADD (INDEX a);
        CREATE TABLE v (a COUNTER, INDEX a);
        CREATE TABLE v (a, INDEX b);
        ALTER TABLE u ADD (INDEX zz);
        CREATE TABLE "^w" (a);
        RENAME TABLE u TO '^^u';
        DROP TABLE IF EXISTS "^u";
        SHOW TABLES;

        """)
        XCTAssertEqual(lines, [
            "CREATE NAMESPACE i; USE i;",
            "CREATE TABLE t (a, b, c, INDEX a, QUALIFIER INDEX b, INDEX c, QUALIFIER INDEX c);",
            "SHOW CREATE TABLE t;",
            "CREATE TABLE t (", "  a, INDEX a,", "  b, QUALIFIER INDEX b,", "  c, INDEX c, QUALIFIER INDEX c,",
            "  ACCESS GROUP default (a, b, c)", ");", "",
            "CREATE TABLE u (INDEX a, ACCESS GROUP g (a, b));",
            "ALTER TABLE u ADD (QUALIFIER INDEX b, c, INDEX c);",
            "SHOW CREATE TABLE u;",
            "CREATE TABLE u (", "  a, INDEX a,", "  b, QUALIFIER INDEX b,", "  c, INDEX c,",
            "  ACCESS GROUP g (a, b),", "  ACCESS GROUP default (c)", ");", "",
            "ALTER TABLE u ADD (INDEX a);",
            "Hypertable CRITICAL - HQL bad command (Index for column family 'a' already defined)",
            "CREATE TABLE v (a COUNTER, INDEX a);",
            "Hypertable CRITICAL - HQL bad command (Attempt to define value index for COUNTER column 'a')",
            "CREATE TABLE v (a, INDEX b);",
            "Hypertable CRITICAL - HQL bad command (Reference to undefined column 'b')",
            "ALTER TABLE u ADD (INDEX zz);",
            "Hypertable CRITICAL - HQL bad command (Reference to undefined column 'zz')",
            "CREATE TABLE \"^w\" (a);", "Hypertable CRITICAL - HYPERTABLE syntax error (Invalid table name character '^')",
            "RENAME TABLE u TO '^^u';", "Hypertable CRITICAL - HYPERTABLE syntax error (Invalid table name character '^')",
            "DROP TABLE IF EXISTS \"^u\";", "Hypertable CRITICAL - HYPERTABLE syntax error (Invalid table name character '^')",
            // The index tables are listed with the tables, as Hypertable's listing has them.
            "SHOW TABLES;", "^^t", "^^u", "^t", "^u", "t", "u",
        ])
    }

    /// ALTER TABLE ... MODIFY: Hypertable refuses to change an existing access group's
    /// IN_MEMORY, COMPRESSOR or REPLICATION, to modify one group twice in one command, or to
    /// modify what does not exist, in these words; BLOCKSIZE and family options do change.
    func testModifyRefusalsAreWordedAsHypertableWordsThem() {
        let lines = transcript("""
        CREATE NAMESPACE m; USE m;
        CREATE TABLE t (a MAX_VERSIONS 2, ACCESS GROUP g (a));
        ALTER TABLE t MODIFY (ACCESS GROUP g (a) IN_MEMORY);
        ALTER TABLE t MODIFY (ACCESS GROUP g (a) COMPRESSOR "lzo");
        ALTER TABLE t MODIFY (ACCESS GROUP g (a) REPLICATION 2);
        ALTER TABLE t MODIFY (ACCESS GROUP g (a) BLOCKSIZE 1000) MODIFY (ACCESS GROUP g (a) BLOCKSIZE 2000);
        ALTER TABLE t MODIFY (ACCESS GROUP h () BLOCKSIZE 1000);
        ALTER TABLE t MODIFY (b TTL 60);
        ALTER TABLE t MODIFY (ACCESS GROUP g (a) BLOCKSIZE 1000, a TTL 60);
        SHOW CREATE TABLE t;

        """)
        XCTAssertEqual(lines, [
            "CREATE NAMESPACE m; USE m;",
            "CREATE TABLE t (a MAX_VERSIONS 2, ACCESS GROUP g (a));",
            "ALTER TABLE t MODIFY (ACCESS GROUP g (a) IN_MEMORY);",
            "Hypertable CRITICAL - HQL bad command (Modification of IN_MEMORY attribute for access group 'g' is not supported)",
            "ALTER TABLE t MODIFY (ACCESS GROUP g (a) COMPRESSOR \"lzo\");",
            "Hypertable CRITICAL - HQL bad command (Modification of COMPRESSOR attribute for access group 'g' is not supported)",
            "ALTER TABLE t MODIFY (ACCESS GROUP g (a) REPLICATION 2);",
            "Hypertable CRITICAL - HQL bad command (Modification of REPLICATION attribute for access group 'g' is not supported)",
            "ALTER TABLE t MODIFY (ACCESS GROUP g (a) BLOCKSIZE 1000) MODIFY (ACCESS GROUP g (a) BLOCKSIZE 2000);",
            "Hypertable CRITICAL - HQL bad command (Attempt to modify access group 'g' twice in the same command)",
            "ALTER TABLE t MODIFY (ACCESS GROUP h () BLOCKSIZE 1000);",
            "Hypertable CRITICAL - HQL bad command (Attempt to modify access group 'h' which does not exist)",
            "ALTER TABLE t MODIFY (b TTL 60);",
            "Hypertable CRITICAL - HQL bad command (Attempt to modify column 'b' which does not exist)",
            "ALTER TABLE t MODIFY (ACCESS GROUP g (a) BLOCKSIZE 1000, a TTL 60);",
            "SHOW CREATE TABLE t;",
            "CREATE TABLE t (", "  a TTL 60,", "  ACCESS GROUP g (a) BLOCKSIZE 1000", ");", "",
        ])
    }

    /// DISPLAY_REVISIONS prints the revision (when the broker stored the cell) before the
    /// timestamp; NO_ESCAPE prints rows, qualifiers and values as stored.
    func testDisplayRevisionsAndNoEscape() throws {
        let runner = HQLScriptRunner()
        let steps = TimeZonePin.with("UTC") {
            runner.run("""
            CREATE NAMESPACE e; USE e; CREATE TABLE t (a);
            INSERT INTO t VALUES ('2001-01-01 00:00:00', 'r', 'a:q', 'x\ty');
            SELECT * FROM t NO_ESCAPE;
            SELECT * FROM t;
            SELECT * FROM t DISPLAY_REVISIONS DISPLAY_TIMESTAMPS;

            """)
        }
        XCTAssertEqual(steps[2].output, ["r\ta:q\tx\ty"])
        XCTAssertEqual(steps[3].output, ["r\ta:q\tx\\ty"])
        let revisionLine = try XCTUnwrap(steps[4].output.first)
        let fields = revisionLine.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(fields.count, 5, revisionLine)
        XCTAssertEqual(Array(fields.dropFirst()), ["2001-01-01 00:00:00.000000000", "r", "a:q", "x\\ty"])
        // The revision is when the broker stored the cell, not the timestamp given.
        let revision = try XCTUnwrap(HQLTimestamp.parse(String(fields[0].prefix(19))))
        XCTAssertGreaterThan(revision, try XCTUnwrap(HQLTimestamp.parse("2001-01-01 00:00:00")))
    }

    /// COMPRESSOR and BLOOMFILTER specs follow the option syntax of Hypertable's HQL reference
    /// (`zlib --best`, `bmz --fp-len n --offset n`, `rows+cols --false-positive f ...`); a
    /// misspelt, repeated or ill-typed option, or a second positional word, is refused.
    func testCompressorAndBloomFilterSpecsAreChecked() {
        let valid = [
            #"CREATE TABLE ok1 (a) COMPRESSOR "zlib --best";"#,
            #"CREATE TABLE ok2 (ACCESS GROUP g (a) COMPRESSOR "bmz --fp-len 20 --offset=2");"#,
            #"CREATE TABLE ok3 (ACCESS GROUP g (a) COMPRESSOR "zlib -9" BLOOMFILTER "rows+cols --false-positive 0.02 --num-hashes 3 --bits-per-item 9.5 --max-approx-items 500");"#,
            #"CREATE TABLE ok4 (ACCESS GROUP g (a) BLOOMFILTER "none");"#,
        ]
        let invalid: [(String, String)] = [
            (#"CREATE TABLE no1 (a) COMPRESSOR "zlib --bets";"#, "Invalid compressor spec - zlib --bets"),
            (#"CREATE TABLE no2 (ACCESS GROUP g (a) COMPRESSOR "zlib --best --best");"#, "Invalid compressor spec - zlib --best --best"),
            (#"CREATE TABLE no3 (ACCESS GROUP g (a) COMPRESSOR "bmz --fp-len x");"#, "Invalid compressor spec - bmz --fp-len x"),
            (#"CREATE TABLE no4 (ACCESS GROUP g (a) COMPRESSOR "lzo zlib");"#, "Invalid compressor spec - lzo zlib"),
            (#"CREATE TABLE no5 (ACCESS GROUP g (a) BLOOMFILTER "rows --false-positive");"#, "Invalid bloom filter spec - rows --false-positive"),
            (#"CREATE TABLE no6 (ACCESS GROUP g (a) BLOOMFILTER "rows --best");"#, "Invalid bloom filter spec - rows --best"),
        ]
        let script = "CREATE NAMESPACE z; USE z;\n" + (valid + invalid.map(\.0)).joined(separator: "\n") + "\nSHOW TABLES;\n"
        let steps = HQLScriptRunner().run(script)
        XCTAssertEqual(steps.flatMap(\.output),
                       invalid.map { "Hypertable CRITICAL - HYPERTABLE schema parse error (\($0.1))" } + ["ok1", "ok2", "ok3", "ok4"])
    }

    func testErrorsPrintAsTheShellDoesAndDropTheRestOfTheLine() {
        let steps = HQLScriptRunner().run("""
        USE "/nowhere";
        CREATE NAMESPACE n; USE n; CREATE TABLE t (a); SHOW TABLES; DROP TABLE missing; SHOW TABLES;
        INSERT INTO t VALUES ('r', 'b', 'v');
        SELEKT;
        """)
        XCTAssertEqual(steps.count, 4)
        XCTAssertEqual(steps[0].output, ["Hypertable CRITICAL - HYPERTABLE namespace does not exist (nowhere)"])
        XCTAssertEqual(steps[1].commands, ["CREATE NAMESPACE n", "USE n", "CREATE TABLE t (a)", "SHOW TABLES", "DROP TABLE missing"])
        XCTAssertEqual(steps[1].output, [
            "t",
            "Hypertable CRITICAL - HYPERTABLE table does not exist (Client operation drop_table('n/missing', if_exists=false) failed)",
        ])
        XCTAssertEqual(steps[2].output.count, 3)
        XCTAssertEqual(steps[2].output.first, "ERROR ht_hypertable : set_cells: Hypertable::Exception: Bad column family 'b' - HYPERTABLE bad key")
        XCTAssertEqual(steps[2].output.last, "Hypertable CRITICAL - HYPERTABLE bad key (Bad column family 'b')")
        XCTAssertEqual(steps[3].output.count, 1)
        XCTAssertTrue(steps[3].output[0].hasPrefix("Hypertable CRITICAL - HYPERTABLE HQL parse error ("))
    }

    func testSemicolonInsideQuotesDoesNotEndAStatement() {
        let lines = transcript("""
        CREATE NAMESPACE q; USE q; CREATE TABLE t (c);
        INSERT INTO t VALUES ('a;b', 'c', "x;y");
        SELECT * FROM t WHERE ROW = 'a;b';
        """)
        XCTAssertEqual(lines.last, "a;b\tc\tx;y")
    }

    func testDeleteMarkersAndEscapedValuesRender() {
        let lines = transcript("""
        CREATE NAMESPACE d; USE d; CREATE TABLE t (a, b);
        INSERT INTO t VALUES ('2010-01-01 00:00:05', 'r', 'a:q', 'x'), ('2010-01-01 00:00:05', 's', 'b', 'line1\\nline2');
        DELETE * FROM t WHERE ROW = 'r' TIMESTAMP '2010-01-01 00:00:01';
        DELETE a FROM t WHERE ROW = 'r' TIMESTAMP '2010-01-01 00:00:02';
        DELETE 'a:q' FROM t WHERE ROW = 'r' TIMESTAMP '2010-01-01 00:00:03';
        DELETE 'a:q' FROM t WHERE ROW = 'r' VERSION '2010-01-01 00:00:04';
        SELECT * FROM t RETURN_DELETES DISPLAY_TIMESTAMPS;
        """)
        let select = Array(lines.drop { !$0.hasPrefix("SELECT") }.dropFirst())
        XCTAssertEqual(select, [
            "2010-01-01 00:00:01.000000000\tr\t\tDELETE ROW",
            "2010-01-01 00:00:02.000000000\tr\ta\t\tDELETE COLUMN FAMILY",
            "2010-01-01 00:00:03.000000000\tr\ta:q\t\tDELETE CELL",
            "2010-01-01 00:00:04.000000000\tr\ta:q\t\tDELETE CELL VERSION",
            "2010-01-01 00:00:05.000000000\tr\ta:q\tx",
            // The value holds a backslash and an n (HQL strings have no escapes); the shell
            // escapes the backslash when it prints it.
            "2010-01-01 00:00:05.000000000\ts\tb\tline1\\\\nline2",
        ])
    }

    func testPauseMovesTheClockSoTTLExpiresWithoutWaiting() {
        let steps = HQLScriptRunner().run("""
        CREATE NAMESPACE p; USE p; CREATE TABLE t (short TTL 2 seconds, long);
        INSERT INTO t VALUES ('r', 'short', '1'), ('r', 'long', '2');
        SELECT * FROM t;
        pause 3;
        SELECT * FROM t;
        """)
        XCTAssertEqual(steps[2].output, ["r\tshort\t1", "r\tlong\t2"])
        XCTAssertEqual(steps[3].commands, ["pause 3"])
        XCTAssertEqual(steps[4].output, ["r\tlong\t2"])
    }

    func testFileStatementsAreReportedUnsupportedAndCompactIsANoOp() {
        let steps = HQLScriptRunner().run("""
        CREATE NAMESPACE f; USE f; CREATE TABLE t (a);
        LOAD DATA INFILE "x.tsv" INTO TABLE t;
        SELECT * FROM t INTO FILE 'out.tsv';
        DUMP TABLE t INTO FILE 'dump.gz';
        COMPACT TABLE t;
        COMPACT TABLE nope;
        """)
        XCTAssertEqual(steps[1].unsupported.count, 1)
        XCTAssertEqual(steps[2].unsupported.count, 1)
        XCTAssertEqual(steps[3].unsupported.count, 1)
        XCTAssertEqual(steps[4].output, [])
        XCTAssertEqual(steps[4].unsupported, [])
        XCTAssertEqual(steps[5].output.first?.hasPrefix("Hypertable CRITICAL - HYPERTABLE table does not exist"), true)
    }

    func testShowCreateAndListingResultLines() {
        let lines = transcript("""
        CREATE NAMESPACE s; USE s; CREATE TABLE t (a MAX_VERSIONS 2, ACCESS GROUP g (a) BLOCKSIZE 1000) REPLICATION 3;
        CREATE NAMESPACE sub;
        GET LISTING;
        SHOW CREATE TABLE t;
        """)
        XCTAssertEqual(Array(lines.suffix(9)), [
            "GET LISTING;", "sub\t(namespace)", "t",
            "SHOW CREATE TABLE t;",
            "CREATE TABLE t (", "  a MAX_VERSIONS 2,", "  ACCESS GROUP g (a) REPLICATION 3 BLOCKSIZE 1000", ") REPLICATION 3;", "",
        ])
    }

    /// LOAD DATA INFILE options as Hypertable's HQL reference spells them: `FS = '<char>'`,
    /// `NO_LOG`, `DUP_KEY_COLS = false`, `NOESCAPE`.
    func testLoadDataOptionsAsTheReferenceSpellsThem() {
        let files = ["pipes.txt": "#id|color\nk1|r\\ted\n", "tabs.tsv": "#id\tcolor\nk2\tblue\n"]
        let runner = HQLScriptRunner { name in files[name].map { Array($0.utf8) } }
        let steps = runner.run("""
        CREATE NAMESPACE o; USE o; CREATE TABLE t (id, color);
        LOAD DATA INFILE ROW_KEY_COLUMN=id FS='|' NO_LOG NOESCAPE "pipes.txt" INTO TABLE t;
        LOAD DATA INFILE ROW_KEY_COLUMN=id DUP_KEY_COLS=false "tabs.tsv" INTO TABLE t;
        LOAD DATA INFILE FS='||' "pipes.txt" INTO TABLE t;
        SELECT * FROM t;

        """)
        XCTAssertEqual(steps.flatMap(\.output), [
            "Hypertable CRITICAL - HYPERTABLE HQL parse error (Field separator must be a single character)",
            "k1\tcolor\tr\\\\ted", "k2\tcolor\tblue",
        ])
    }

    func testLoadDataInfileFormatsThroughTheFileReader() {
        let files: [String: String] = [
            "wide.tsv": "# id\tcolor\tsize:cm\nk1\tred\t10\nk2\t\t20\n\n",
            "extra.tsv": "#id\tweight\tcolor\nk3\t5\tblue\n",
            "cells.tsv": "#timestamp\trow\tcolumn\tvalue\n2003-04-05 06:07:08.5\tk4\tcolor\tgreen\n2003-04-05 06:07:09:7\tk4\tsize:cm\ta\\tb\n",
            "single.tsv": "#odd\tcolor\tpink\nk5\tsize:cm\t3\n",
            "dup.tsv": "#id\tcolor\nk6\tgrey\n",
        ]
        let runner = HQLScriptRunner { name in files[name].map { Array($0.utf8) } }
        let steps = runner.run("""
        CREATE NAMESPACE l; USE l; CREATE TABLE t (id, color, size);
        LOAD DATA INFILE ROW_KEY_COLUMN=id "wide.tsv" INTO TABLE t;
        LOAD DATA INFILE ROW_KEY_COLUMN=id "extra.tsv" INTO TABLE t;
        LOAD DATA INFILE ROW_KEY_COLUMN=id IGNORE_UNKNOWN_CFS "extra.tsv" INTO TABLE t;
        LOAD DATA INFILE "cells.tsv" INTO TABLE t;
        LOAD DATA INFILE SINGLE_CELL_FORMAT "single.tsv" INTO TABLE t;
        LOAD DATA INFILE DUP_KEY_COLS "dup.tsv" INTO TABLE t;
        LOAD DATA INFILE "missing.tsv" INTO TABLE t;
        SELECT * FROM t WHERE ROW = 'k4' DISPLAY_TIMESTAMPS;
        SELECT * FROM t;
        """)
        XCTAssertEqual(steps[1].output, [])
        XCTAssertEqual(steps[2].output.first, "ERROR ht_hypertable : set: Hypertable::Exception: Bad column family 'weight' - HYPERTABLE bad key")
        XCTAssertEqual(steps[2].output.last, "Hypertable CRITICAL - HYPERTABLE bad key (line number 2)")
        XCTAssertEqual(steps[3].output, [])
        XCTAssertEqual(steps[7].output, ["Hypertable CRITICAL - HYPERTABLE file not found (missing.tsv)"])
        XCTAssertEqual(steps[8].output, ["2003-04-05 06:07:08.500000000\tk4\tcolor\tgreen",
                                         "2003-04-05 06:07:09.000000000\tk4\tsize:cm\ta\\tb"])
        XCTAssertEqual(steps[9].output, [
            "#odd\tcolor\tpink", "k1\tcolor\tred", "k1\tsize:cm\t10", "k2\tsize:cm\t20", "k3\tcolor\tblue",
            "k4\tcolor\tgreen", "k4\tsize:cm\ta\\tb", "k5\tsize:cm\t3", "k6\tid\tk6", "k6\tcolor\tgrey",
        ])
        XCTAssertEqual(steps.flatMap(\.unsupported), [])
    }

    /// `HEADER_FILE = "file"` (LoadDataSource: the header is the header file's first line and
    /// every line of the data file is data) and `ROW_UNIQUIFY_CHARS = n` (a space and n
    /// characters of the base64 alphabet appended to each line's row key).
    func testLoadDataHeaderFileAndRowUniquifyChars() {
        let files = [
            "cols.hdr": "#id\tcolor\n",
            "cells.hdr": "row\tcolumn\tvalue\nignored\n",
            "data.tsv": "#k1\tred\nk2\tblue\n",
            "dup.tsv": "#id\tcolor\nk\tgreen\nk\tgrey\n",
            "cells.tsv": "c\tcolor\tpink\nc\tcolor\tblack\n",
        ]
        let runner = HQLScriptRunner { name in files[name].map { Array($0.utf8) } }
        let steps = runner.run("""
        CREATE NAMESPACE h; USE h; CREATE TABLE t (id, color); CREATE TABLE u (id, color); CREATE TABLE v (color);
        LOAD DATA INFILE ROW_KEY_COLUMN=id HEADER_FILE="file://cols.hdr" "data.tsv" INTO TABLE t;
        SELECT * FROM t;
        LOAD DATA INFILE ROW_KEY_COLUMN=id ROW_UNIQUIFY_CHARS=6 "dup.tsv" INTO TABLE u;
        SELECT * FROM u;
        LOAD DATA INFILE HEADER_FILE='cells.hdr' ROW_UNIQUIFY_CHARS = 3 "cells.tsv" INTO TABLE v;
        SELECT * FROM v;
        LOAD DATA INFILE HEADER_FILE="missing.hdr" "data.tsv" INTO TABLE t;
        LOAD DATA INFILE HEADER_FILE="dfs://x.hdr" "data.tsv" INTO TABLE t;

        """)
        XCTAssertEqual(steps[2].output, ["#k1\tcolor\tred", "k2\tcolor\tblue"])
        // Row key, a space, n characters of the base64 alphabet; the rest of the cell as loaded.
        func assertUniquified(_ lines: [String], key: String, n: Int, rest: Set<String>) {
            XCTAssertEqual(lines.count, rest.count, "\(lines)")
            let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
            var seenRows: Set<Substring> = []
            var seenRest: Set<String> = []
            for line in lines {
                let fields = line.split(separator: "\t", maxSplits: 1)
                guard fields.count == 2, fields[0].hasPrefix(key + " ") else { return XCTFail(line) }
                let suffix = fields[0].dropFirst(key.count + 1)
                XCTAssertEqual(suffix.count, n, line)
                XCTAssertTrue(suffix.allSatisfy { alphabet.contains($0) }, line)
                seenRows.insert(fields[0])
                seenRest.insert(String(fields[1]))
            }
            XCTAssertEqual(seenRows.count, lines.count, "equal keys land in different rows")
            XCTAssertEqual(seenRest, rest)
        }
        assertUniquified(steps[4].output, key: "k", n: 6, rest: ["color\tgreen", "color\tgrey"])
        assertUniquified(steps[6].output, key: "c", n: 3, rest: ["color\tpink", "color\tblack"])
        XCTAssertEqual(steps[7].output, ["Hypertable CRITICAL - HYPERTABLE file not found (Unable to open header file 'missing.hdr')"])
        XCTAssertEqual(steps[8].output, [
            "Hypertable CRITICAL - HYPERTABLE HQL parse error (Header file must be in local filesystem, not in the brokered FS)",
        ])
    }
}

import Foundation
@testable import Gateway
import HTTPServer
import HypertableClient
import XCTest

/// The page cursor's wire form, signature and checks, without a gateway.
final class PageCursorTests: XCTestCase {
    let key = Array("0123456789abcdef0123456789abcdef".utf8)

    func sample(issuedAt: Int64 = 1_700_000_000) -> PageCursor {
        PageCursor(issuedAt: issuedAt, namespace: "ns", table: "t",
                   kind: .cells(parameters: [QueryItem(name: "revisions", value: "2")]), pageSize: 10,
                   cellsReturned: 10, rowsReturned: 3,
                   lastKey: Key(row: [0x72, 0xFF], columnFamily: "a", columnQualifier: [0x71],
                                timestamp: 42, revision: -1))
    }

    /// RFC 4231 §4.3, test case 2.
    func testHMACSHA256MatchesRFC4231() {
        let mac = HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        XCTAssertEqual(mac.map { String(format: "%02x", $0) }.joined(),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testWireFormIsTheDocumentedLayout() {
        var expected: [UInt8] = [1]                                     // version
        expected += [0, 0, 0, 0, 0x65, 0x53, 0xF1, 0x00]                // issued_at 1_700_000_000
        expected += [1]                                                 // kind: cells
        expected += [0, 2] + Array("ns".utf8) + [0, 1] + Array("t".utf8)
        expected += [0, 0, 0, 10]                                       // page size
        expected += [0, 0, 0, 0, 0, 0, 0, 10] + [0, 0, 0, 0, 0, 0, 0, 3]  // cells, rows returned
        expected += [0, 1] + [0, 9] + Array("revisions".utf8) + [0, 1] + Array("2".utf8)
        expected += [0, 0, 0, 2, 0x72, 0xFF]                            // row
        expected += [0, 1] + Array("a".utf8) + [0, 0, 0, 1, 0x71]       // family, qualifier
        expected += [0, 0, 0, 0, 0, 0, 0, 42] + [UInt8](repeating: 0xFF, count: 8)  // timestamp, revision -1
        XCTAssertEqual(sample().encoded(), expected)
        XCTAssertEqual(PageCursor.decode(expected), sample())

        let select = PageCursor(issuedAt: 0, namespace: "n", table: "t", kind: .select(hql: "SELECT * FROM t", forceBase64: true),
                                pageSize: 1, cellsReturned: 0, rowsReturned: 0, lastKey: Key(row: Array("r".utf8)))
        XCTAssertEqual(PageCursor.decode(select.encoded()), Optional(select).map {
            var cursor = $0
            cursor.lastKey.timestamp = 0
            cursor.lastKey.revision = 0
            return cursor
        })
    }

    func testTokenIsBase64URLOfThePayloadAndItsMAC() throws {
        let signer = CursorSigner(key: key, lifetimeSeconds: 3600)
        let token = try signer.token(for: sample())
        let parts = token.split(separator: ".")
        XCTAssertEqual(parts.count, 2)
        XCTAssertTrue(token.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }, token)
        let payload = try XCTUnwrap(Base64URL.decode(ArraySlice(parts[0].utf8)))
        XCTAssertEqual(payload, sample().encoded())
        XCTAssertEqual(Base64URL.decode(ArraySlice(parts[1].utf8)), HMACSHA256.mac(key: key, message: payload))
        XCTAssertEqual(try signer.cursor(from: token, now: 1_700_000_100), sample())
    }

    func testEveryChangedCharacterIsRefused() throws {
        let signer = CursorSigner(key: key, lifetimeSeconds: 3600)
        let token = Array(try signer.token(for: sample()).utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/".utf8)
        var tried = 0
        for index in token.indices {
            for replacement in alphabet where replacement != token[index] {
                var tampered = token
                tampered[index] = replacement
                XCTAssertThrowsError(try signer.cursor(from: String(decoding: tampered, as: UTF8.self), now: 1_700_000_100),
                                     "position \(index) as \(UnicodeScalar(replacement))") { error in
                    XCTAssertEqual(error as? CursorError, .invalid)
                }
                tried += 1
            }
            // Cut short and grown.
            XCTAssertThrowsError(try signer.cursor(from: String(decoding: token[..<index], as: UTF8.self), now: 1_700_000_100))
        }
        XCTAssertThrowsError(try signer.cursor(from: String(decoding: token + [UInt8(ascii: "A")], as: UTF8.self),
                                               now: 1_700_000_100))
        XCTAssertGreaterThan(tried, token.count * 60)
    }

    func testAnotherKeyIsRefused() throws {
        let token = try CursorSigner(key: key, lifetimeSeconds: 3600).token(for: sample())
        let other = CursorSigner(key: Array("another key of thirty-two bytes!".utf8), lifetimeSeconds: 3600)
        XCTAssertThrowsError(try other.cursor(from: token, now: 1_700_000_100)) { error in
            XCTAssertEqual(error as? CursorError, .invalid)
        }
    }

    func testExpiryFollowsTheLifetime() throws {
        let signer = CursorSigner(key: key, lifetimeSeconds: 60)
        let token = try signer.token(for: sample(issuedAt: 1_000))
        XCTAssertNoThrow(try signer.cursor(from: token, now: 1_060))
        XCTAssertThrowsError(try signer.cursor(from: token, now: 1_061)) { error in
            XCTAssertEqual(error as? CursorError, .expired(ageSeconds: 61, lifetimeSeconds: 60))
            XCTAssertEqual(ErrorMapping.problem(for: error).status, 400)
            XCTAssertEqual(ErrorMapping.problem(for: error).type, "/problems/cursor-expired")
        }
    }

    func testAnOversizedCursorIsRefusedWhenMade() {
        var cursor = sample()
        cursor.lastKey.row = [UInt8](repeating: 0x61, count: CursorSigner.maxTokenLength)
        XCTAssertThrowsError(try CursorSigner(key: key, lifetimeSeconds: 60).token(for: cursor)) { error in
            guard case .tooLarge(let length)? = error as? CursorError else { return XCTFail("\(error)") }
            XCTAssertGreaterThan(length, CursorSigner.maxTokenLength)
        }
        // The longest row that fits still makes a token within the limit.
        cursor.lastKey.row = [UInt8](repeating: 0x61, count: 4000)
        XCTAssertLessThanOrEqual((try? CursorSigner(key: key, lifetimeSeconds: 60).token(for: cursor))?.utf8.count ?? .max,
                                 CursorSigner.maxTokenLength)
    }

    func testDecodingRefusesTruncatedAndTrailingBytes() {
        let bytes = sample().encoded()
        for length in 0..<bytes.count {
            XCTAssertNil(PageCursor.decode(Array(bytes[..<length])), "cut at \(length)")
        }
        XCTAssertNil(PageCursor.decode(bytes + [0]))
        var version = bytes
        version[0] = 2
        XCTAssertNil(PageCursor.decode(version))
    }

    func testBase64URLAcceptsOnlyTheCanonicalForm() {
        XCTAssertEqual(Base64URL.encode([0xFB, 0xFF]), "-_8")
        XCTAssertEqual(Base64URL.decode(ArraySlice("-_8".utf8)), [0xFB, 0xFF])
        XCTAssertNil(Base64URL.decode(ArraySlice("-_9".utf8)), "unused bits set")
        XCTAssertNil(Base64URL.decode(ArraySlice("-_8=".utf8)), "padding")
        XCTAssertNil(Base64URL.decode(ArraySlice("+/8".utf8)), "standard alphabet")
    }

    func testKeyOrderIsFamilyIDThenNewestFirstWithRevisionsBreakingTies() {
        var schema = Schema()
        schema.columnFamilies["z"] = ColumnFamilySpec(name: "z", id: 1)
        schema.columnFamilies["a"] = ColumnFamilySpec(name: "a", id: 2)
        schema.columnFamilies["c"] = ColumnFamilySpec(name: "c", id: 3, options: ColumnFamilyOptions(timeOrderDesc: true))
        let order = ScanKeyOrder(schema: schema)
        func key(_ row: String, _ family: String, _ qualifier: String = "", _ timestamp: Int64 = 0, _ revision: Int64 = 0) -> Key {
            Key(row: Array(row.utf8), columnFamily: family, columnQualifier: Array(qualifier.utf8),
                timestamp: timestamp, revision: revision)
        }
        let sorted = [
            key("a", "a"),
            key("a\u{0}", "z"),
            key("b", "z", "", 9), key("b", "z", "", 5, 7), key("b", "z", "", 5, 6),
            key("b", "z", "q", 100),
            key("b", "a"),
            key("b", "c", "", 1, 1), key("b", "c", "", 1, 2), key("b", "c", "", 2, 0),
            Key(row: [0xFF], columnFamily: "z"),
        ]
        for (i, a) in sorted.enumerated() {
            for (j, b) in sorted.enumerated() {
                XCTAssertEqual(order.compare(a, b).signum(), (i < j ? -1 : i > j ? 1 : 0), "\(a) vs \(b)")
            }
        }
    }

    func testConfigurationReadsTheKeyAndLifetime() throws {
        let configuration = try GatewayConfiguration(environment: [
            "GATEWAY_CURSOR_KEY": String(repeating: "k", count: 32), "GATEWAY_CURSOR_LIFETIME": "90",
        ])
        XCTAssertEqual(configuration.cursorKey, Array(String(repeating: "k", count: 32).utf8))
        XCTAssertEqual(configuration.cursorLifetimeSeconds, 90)
        XCTAssertNil(try GatewayConfiguration(environment: [:]).cursorKey)
        XCTAssertEqual(try GatewayConfiguration(environment: [:]).cursorLifetimeSeconds, 3600)
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_CURSOR_KEY": "short"])) { error in
            XCTAssertEqual((error as? ConfigurationError)?.variable, "GATEWAY_CURSOR_KEY")
            XCTAssertFalse("\(error)".contains("short"), "the secret is not echoed")
        }
        XCTAssertThrowsError(try GatewayConfiguration(environment: ["GATEWAY_CURSOR_LIFETIME": "0"]))
    }

    /// Large values end a page before its size in cells, with a cursor; nothing is lost.
    func testAPageOfLargeValuesEndsAtItsByteBound() throws {
        let value = [UInt8](repeating: 0x76, count: 1024 * 1024)
        let cells = (0..<20).map { Cell(key: Key(row: Array("r\($0 + 10)".utf8), columnFamily: "a"), value: value) }
        var batches = [Array(cells[0..<7]), Array(cells[7...])]
        let page = try PagedScan.readPage(pageSize: 100, after: nil, order: nil, rowLimit: 0, cellLimit: 0,
                                          cellsReturned: 0, rowsReturned: 0) {
            batches.isEmpty ? [] : batches.removeFirst()
        }
        XCTAssertEqual(page.cells.count, PagedScan.maxPageBytes / value.count, "the first cell past the bound ends the page")
        XCTAssertTrue(page.more)
        XCTAssertEqual(page.cellsReturned, Int64(page.cells.count))
        XCTAssertEqual(page.rowsReturned, Int64(page.cells.count))
    }
}

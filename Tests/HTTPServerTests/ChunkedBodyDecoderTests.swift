import XCTest
@testable import HTTPServer

/// The chunked transfer-coding decoder on its own (RFC 9112 §7.1): fed whole, in pieces and a
/// byte at a time, by a caller that drops consumed bytes between feeds.
final class ChunkedBodyDecoderTests: XCTestCase {
    private struct Decoded: Equatable {
        var body: [UInt8]
        /// Bytes after the body, untouched by the decoder.
        var rest: [UInt8]
        /// The size of every `.data` step, in order.
        var spans: [Int]
    }

    private static func decoder(maxBodySize: Int = 1 << 20, maxTrailerSectionSize: Int = 1024,
                                countsTrailerSectionEnd: Bool = true) -> ChunkedBodyDecoder {
        ChunkedBodyDecoder(maxBodySize: maxBodySize, maxTrailerSectionSize: maxTrailerSectionSize,
                           countsTrailerSectionEnd: countsTrailerSectionEnd)
    }

    /// Feeds `wire` in pieces of `pieceSize` bytes; nil when the body's end never came.
    private func decode(_ wire: [UInt8], pieceSize: Int = .max, maxData: Int = .max,
                        decoder start: ChunkedBodyDecoder = decoder()) throws(ChunkedBodyError) -> Decoded? {
        var decoder = start
        var buffer: [UInt8] = []
        var readIndex = 0
        var decoded = Decoded(body: [], rest: [], spans: [])
        var offset = 0
        while offset < wire.count {
            // Drop consumed bytes, as both callers do, so indices shift under the decoder.
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
            let end = offset + min(pieceSize, wire.count - offset)
            buffer += wire[offset..<end]
            offset = end
            feeding: while true {
                switch try decoder.next(in: buffer, readIndex: &readIndex, maxData: maxData) {
                case .needMoreBytes:
                    break feeding
                case .data(let range):
                    XCTAssertFalse(range.isEmpty)
                    XCTAssertEqual(range.upperBound, readIndex, "a data span is consumed")
                    decoded.body += buffer[range]
                    decoded.spans.append(range.count)
                case .done:
                    XCTAssertTrue(decoder.isDone)
                    XCTAssertEqual(try decoder.next(in: buffer, readIndex: &readIndex), .done, "done stays done")
                    XCTAssertEqual(decoder.decodedByteCount, decoded.body.count)
                    decoded.rest = Array(buffer[readIndex...]) + wire[offset...]
                    return decoded
                }
            }
        }
        XCTAssertFalse(decoder.isDone)
        return nil
    }

    /// Decodes whole, in odd pieces and byte by byte, and checks that all agree.
    private func decodeEveryWay(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Decoded? {
        let wire = Array(text.utf8)
        let whole = try decode(wire)
        for pieceSize in [1, 2, 3, 7] {
            let pieces = try decode(wire, pieceSize: pieceSize)
            XCTAssertEqual(pieces?.body, whole?.body, "piece size \(pieceSize)", file: file, line: line)
            XCTAssertEqual(pieces?.rest, whole?.rest, "piece size \(pieceSize)", file: file, line: line)
        }
        return whole
    }

    private func assertError(_ text: String, _ kind: ChunkedBodyError.Kind, _ detail: String,
                             decoder: ChunkedBodyDecoder = decoder(),
                             file: StaticString = #filePath, line: UInt = #line) {
        for pieceSize in [Int.max, 1] {
            do throws(ChunkedBodyError) {
                let decoded = try decode(Array(text.utf8), pieceSize: pieceSize, decoder: decoder)
                XCTFail("expected \(kind), decoded \(String(describing: decoded))", file: file, line: line)
            } catch {
                XCTAssertEqual(error, ChunkedBodyError(kind, detail), "piece size \(pieceSize)", file: file, line: line)
            }
        }
    }

    // MARK: decoding

    func testChunksDecodeTheSameWholeOrByteByByte() throws {
        let decoded = try XCTUnwrap(decodeEveryWay("5\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\n\r\nGET / HTTP/1.1\r\n"))
        XCTAssertEqual(String(decoding: decoded.body, as: UTF8.self), "hello, world")
        XCTAssertEqual(decoded.spans, [5, 1, 6])
        XCTAssertEqual(String(decoding: decoded.rest, as: UTF8.self), "GET / HTTP/1.1\r\n", "bytes after the body stay")
    }

    func testByteByByteFeedingReportsOneByteSpans() throws {
        let decoded = try XCTUnwrap(decode(Array("3\r\nabc\r\n0\r\n\r\n".utf8), pieceSize: 1))
        XCTAssertEqual(decoded.body, Array("abc".utf8))
        XCTAssertEqual(decoded.spans, [1, 1, 1])
    }

    func testIncompleteBodyAsksForMoreBytes() throws {
        for text in ["", "5", "5\r", "5\r\nhel", "5\r\nhello", "5\r\nhello\r", "5\r\nhello\r\n0\r\n", "0\r\nX: 1\r\n",
                     "0\r\n\r"] {
            XCTAssertNil(try decode(Array(text.utf8)), text)
            XCTAssertNil(try decode(Array(text.utf8), pieceSize: 1), text)
        }
    }

    func testSpansStopAtMaxDataAndAtChunkEnds() throws {
        let decoded = try XCTUnwrap(decode(Array("a\r\n0123456789\r\n3\r\nabc\r\n0\r\n\r\n".utf8), maxData: 4))
        XCTAssertEqual(decoded.spans, [4, 4, 2, 3])
        XCTAssertEqual(decoded.body, Array("0123456789abc".utf8))
    }

    func testExtensionsAndWhitespaceAreAccepted() throws {
        let decoded = try XCTUnwrap(decodeEveryWay(
            "5;name=value;flag\r\nhello\r\n1A \r\n" + String(repeating: "z", count: 26) + "\r\n"
            + "2\t;q=\"a;b\"\r\n!!\r\n1 ; a = \"q\\\"\\\\\" ; b\r\n?\r\n0;last\r\n\r\n"))
        XCTAssertEqual(String(decoding: decoded.body, as: UTF8.self), "hello" + String(repeating: "z", count: 26) + "!!?")
        XCTAssertEqual(decoded.rest, [])
    }

    func testUpperAndLowerCaseHexAndLeadingZeros() throws {
        let body = String(repeating: "x", count: 0xAb)
        let decoded = try XCTUnwrap(decodeEveryWay("000000000000000000000aB\r\n" + body + "\r\n00\r\n\r\n"))
        XCTAssertEqual(decoded.body.count, 0xAB)
    }

    func testTrailersAreConsumedAndDropped() throws {
        let decoded = try XCTUnwrap(decodeEveryWay("3\r\nabc\r\n0\r\nExpires: never\r\nX-Checksum: 1\r\n\r\nNEXT"))
        XCTAssertEqual(decoded.body, Array("abc".utf8))
        XCTAssertEqual(decoded.rest, Array("NEXT".utf8))
    }

    func testEmptyBody() throws {
        let decoded = try XCTUnwrap(decodeEveryWay("0\r\n\r\n"))
        XCTAssertEqual(decoded.body, [])
        XCTAssertEqual(decoded.spans, [])
    }

    // MARK: errors

    func testBadChunkSizesAreRefused() {
        assertError("xyz\r\n", .badChunk, "chunk size is not hexadecimal")
        assertError("\r\n", .badChunk, "chunk size is not hexadecimal")
        assertError("-1\r\n", .badChunk, "chunk size is not hexadecimal")
        assertError(" 3\r\n", .badChunk, "chunk size is not hexadecimal")
        assertError("3 4\r\n", .badChunk, "unexpected bytes after chunk size")
        assertError("0x3\r\n", .badChunk, "unexpected bytes after chunk size")
        assertError("3g\r\n", .badChunk, "unexpected bytes after chunk size")
    }

    func testBareLineFeedsAreRefused() {
        assertError("3\nabc\r\n0\r\n\r\n", .badChunk, "chunk size line ends in a bare LF")
        assertError("3;a=b\nabc\r\n0\r\n\r\n", .badChunk, "chunk size line ends in a bare LF")
        assertError("\n", .badChunk, "chunk size line ends in a bare LF")
        assertError("3\r\nabc\n0\r\n\r\n", .badChunk, "chunk data not followed by CRLF")
        assertError("3\r\nabc\r\n0\n\r\n", .badChunk, "chunk size line ends in a bare LF")
        assertError("0\r\nX: 1\n\r\n", .badChunk, "trailer line ends in a bare LF")
        assertError("0\r\n\n", .badChunk, "trailer line ends in a bare LF")
        assertError("0\r\nX: 1\r\n\n", .badChunk, "trailer line ends in a bare LF")
    }

    func testMalformedChunkExtensionsAreRefused() {
        assertError("3;\r\n", .badChunk, "chunk extension name is not a token")
        assertError("3; \r\n", .badChunk, "chunk extension name is not a token")
        assertError("3;=v\r\n", .badChunk, "chunk extension name is not a token")
        assertError("3;a;;b\r\n", .badChunk, "chunk extension name is not a token")
        assertError("3;a(b)\r\n", .badChunk, "malformed chunk extension")
        assertError("3;a=b c\r\n", .badChunk, "malformed chunk extension")
        assertError("3;a=b,c\r\n", .badChunk, "malformed chunk extension")
        assertError("3;a=\r\n", .badChunk, "chunk extension value is not a token or quoted-string")
        assertError("3;a=\"open\r\n", .badChunk, "chunk extension value is not a token or quoted-string")
        assertError("3;a=\"esc\\\"\r\n", .badChunk, "chunk extension value is not a token or quoted-string")
        assertError("3;a=(b)\r\n", .badChunk, "chunk extension value is not a token or quoted-string")
    }

    func testControlCharactersOnTheChunkSizeLineAreRefused() {
        for control in [0x00, 0x01, 0x0B, 0x0D, 0x1F, 0x7F] as [UInt8] {
            let byte = String(UnicodeScalar(control))
            assertError("3;a=\"x" + byte + "y\"\r\n", .badChunk, "chunk size line has a control character")
            assertError("3;a" + byte + "\r\n", .badChunk, "chunk size line has a control character")
            assertError("3" + byte + "\r\n", .badChunk, "chunk size line has a control character")
        }
        // A bare CR just before CRLF too.
        assertError("3\r\r\n", .badChunk, "chunk size line has a control character")
    }

    func testTrailerLinesMustBeFieldLines() {
        assertError("0\r\nNoColon\r\n\r\n", .badChunk, "trailer line is not a field line")
        assertError("0\r\n: v\r\n\r\n", .badChunk, "trailer line is not a field line")
        assertError("0\r\n X: folded\r\n\r\n", .badChunk, "trailer line is not a field line")
        assertError("0\r\nX: a\rb\r\n\r\n", .badChunk, "trailer field value has a forbidden byte")
        assertError("0\r\nX: a\u{0}\r\n\r\n", .badChunk, "trailer field value has a forbidden byte")
    }

    func testChunkSizeLineLengthIsBounded() throws {
        let limit = ChunkedBodyDecoder.maxChunkSizeLineLength
        // At the limit it is fine; one more byte, with or without a line end yet, is refused.
        let longest = "1;" + String(repeating: "e", count: limit - 2)
        XCTAssertEqual(try decode(Array((longest + "\r\nA\r\n0\r\n\r\n").utf8))?.body, Array("A".utf8))
        assertError(longest + "e\r\n", .badChunk, "chunk size line too long")
        assertError(longest + "e", .badChunk, "chunk size line too long")
    }

    func testHugeChunkSizesAreTooLargeNotAnOverflow() {
        // More than 15 significant hex digits cannot fit any limit.
        assertError("ffffffffffffffffffff\r\n", .bodyTooLarge, "chunk size too large")
        assertError("1000000000000000\r\n", .bodyTooLarge, "chunk size too large")
        assertError(String(repeating: "f", count: 15) + "\r\n", .bodyTooLarge, "chunked body exceeds 1048576 bytes")
        // Int.max itself, as 16 digits.
        assertError("7fffffffffffffff\r\n", .bodyTooLarge, "chunk size too large")
    }

    func testBodyLimitCountsEveryChunk() throws {
        let limited = Self.decoder(maxBodySize: 10)
        XCTAssertEqual(try decode(Array("6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n".utf8), decoder: limited)?.body.count, 10)
        assertError("6\r\nabcdef\r\n5\r\nabcde\r\n", .bodyTooLarge, "chunked body exceeds 10 bytes", decoder: limited)
        assertError("b\r\n", .bodyTooLarge, "chunked body exceeds 10 bytes", decoder: limited)
    }

    func testChunkDataMustEndWithCRLF() {
        assertError("3\r\nabcd\r\n", .badChunk, "chunk data longer than its size")
        assertError("3\r\nabc\rX", .badChunk, "chunk data not followed by CRLF")
        assertError("3\r\nabc\r\r\n", .badChunk, "chunk data not followed by CRLF")
        assertError("3\r\nabc0\r\n\r\n", .badChunk, "chunk data longer than its size")
    }

    func testTrailerSectionBudgetCountsItsEndOnlyWhenAsked() throws {
        // One field line of 18 bytes + CRLF = 20 bytes; the final empty line would make it 22.
        let text = "0\r\nX: 123456789012345\r\n\r\n"
        let withoutEnd = Self.decoder(maxTrailerSectionSize: 20, countsTrailerSectionEnd: false)
        XCTAssertNotNil(try decode(Array(text.utf8), decoder: withoutEnd))
        let withEnd = Self.decoder(maxTrailerSectionSize: 22, countsTrailerSectionEnd: true)
        XCTAssertNotNil(try decode(Array(text.utf8), decoder: withEnd))
        assertError(text, .trailerSectionTooLarge, "trailer section exceeds 21 bytes",
                    decoder: Self.decoder(maxTrailerSectionSize: 21, countsTrailerSectionEnd: true))
        assertError(text, .trailerSectionTooLarge, "trailer section exceeds 19 bytes",
                    decoder: Self.decoder(maxTrailerSectionSize: 19, countsTrailerSectionEnd: false))
    }

    func testTrailerLineWithoutEndIsBoundedByTheBudget() {
        let budget = Self.decoder(maxTrailerSectionSize: 64)
        assertError("0\r\nX: " + String(repeating: "v", count: 100), .trailerSectionTooLarge, "trailer section too long",
                    decoder: budget)
        assertError("0\r\nA: 1\r\nX: " + String(repeating: "v", count: 60) + "\r\n", .trailerSectionTooLarge,
                    "trailer section too long", decoder: budget)
    }

    // MARK: lines

    func testLineScannerResumesAfterTheCallerDropsConsumedBytes() {
        var scanner = LineScanner()
        var buffer = Array("skip\r\nabc".utf8)
        var readIndex = 0
        XCTAssertEqual(scanner.takeLine(in: buffer, readIndex: &readIndex, maxLength: 10), .line(0..<4))
        XCTAssertEqual(readIndex, 6)
        XCTAssertEqual(scanner.takeLine(in: buffer, readIndex: &readIndex, maxLength: 10), .incomplete)
        buffer.removeSubrange(0..<readIndex)
        readIndex = 0
        buffer += Array("de\r\nrest".utf8)
        XCTAssertEqual(scanner.takeLine(in: buffer, readIndex: &readIndex, maxLength: 10), .line(0..<5))
        XCTAssertEqual(String(decoding: buffer[0..<5], as: UTF8.self), "abcde")
        XCTAssertEqual(readIndex, 7)
    }

    func testLineScannerRefusesLongLinesWithoutConsuming() {
        var scanner = LineScanner()
        var readIndex = 0
        XCTAssertEqual(scanner.takeLine(in: Array("abcd".utf8), readIndex: &readIndex, maxLength: 3), .tooLong)
        XCTAssertEqual(scanner.takeLine(in: Array("abcd\r\n".utf8), readIndex: &readIndex, maxLength: 3), .tooLong)
        XCTAssertEqual(readIndex, 0)
        // The CR of CRLF does not count, even while it waits for its LF: whether the line fits
        // may not depend on where a read ended. A byte after the CR makes it part of the line.
        scanner.reset()
        XCTAssertEqual(scanner.takeLine(in: Array("abc\r\n".utf8), readIndex: &readIndex, maxLength: 3), .line(0..<3))
        readIndex = 0
        scanner.reset()
        XCTAssertEqual(scanner.takeLine(in: Array("abc\r".utf8), readIndex: &readIndex, maxLength: 3), .incomplete)
        XCTAssertEqual(scanner.takeLine(in: Array("abc\rx".utf8), readIndex: &readIndex, maxLength: 3), .tooLong)
        XCTAssertEqual(scanner.takeLine(in: Array("abcd\r".utf8), readIndex: &readIndex, maxLength: 3), .tooLong)
    }

    // MARK: fuzzing regressions (inputs also kept in Tests/Fuzz/Regressions/FuzzChunkedBody)

    /// Found by FuzzChunkedBody: with the trailer budget used up (here a budget of 0, as after
    /// trailers that fill it exactly), a final CRLF read as CR then LF was refused as a too long
    /// trailer line, while the same bytes read together ended the body.
    func testFuzzRegressionFinalCRLFSplitWhenTheTrailerBudgetIsUsedUp() throws {
        // "1 \t;x\r\na\r\n0\r\n\r\n"
        let wire: [UInt8] = [0x31, 0x20, 0x09, 0x3B, 0x78, 0x0D, 0x0A, 0x61, 0x0D, 0x0A, 0x30, 0x0D, 0x0A, 0x0D, 0x0A]
        let exhausted = Self.decoder(maxTrailerSectionSize: 0, countsTrailerSectionEnd: false)
        for pieceSize in [Int.max, 1, 14] {
            XCTAssertEqual(try decode(wire, pieceSize: pieceSize, decoder: exhausted)?.body, [0x61], "piece size \(pieceSize)")
        }
        // The realistic shape: one trailer field that fills the budget to the byte.
        let trailer = Array("0\r\nX-Sum: 12\r\n\r\n".utf8)
        let exact = Self.decoder(maxTrailerSectionSize: 11, countsTrailerSectionEnd: false)
        for pieceSize in [Int.max, 1, trailer.count - 1] {
            XCTAssertEqual(try decode(trailer, pieceSize: pieceSize, decoder: exact)?.body, [], "piece size \(pieceSize)")
        }
    }

    /// The same flaw on a chunk-size line of exactly `maxChunkSizeLineLength` bytes.
    func testFuzzRegressionChunkSizeLineAtTheLimitWithItsCRLFSplit() throws {
        let line = Array("1;".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: ChunkedBodyDecoder.maxChunkSizeLineLength - 2)
        let wire = line + Array("\r\na\r\n0\r\n\r\n".utf8)
        for pieceSize in [Int.max, line.count + 1, 1000] {
            XCTAssertEqual(try decode(wire, pieceSize: pieceSize)?.body, [0x61], "piece size \(pieceSize)")
        }
    }

    func testLineScannerReportsABareLineFeedWithoutConsuming() {
        var scanner = LineScanner()
        var readIndex = 0
        XCTAssertEqual(scanner.takeLine(in: Array("abc\ndef\r\n".utf8), readIndex: &readIndex, maxLength: 10), .bareLineFeed)
        XCTAssertEqual(readIndex, 0)
        XCTAssertEqual(scanner.takeLine(in: Array("\n".utf8), readIndex: &readIndex, maxLength: 10), .bareLineFeed)
        // Arriving piecemeal: the LF is judged when it comes.
        scanner.reset()
        XCTAssertEqual(scanner.takeLine(in: Array("ab".utf8), readIndex: &readIndex, maxLength: 10), .incomplete)
        XCTAssertEqual(scanner.takeLine(in: Array("ab\n".utf8), readIndex: &readIndex, maxLength: 10), .bareLineFeed)
        scanner.reset()
        XCTAssertEqual(scanner.takeLine(in: Array("ab\r".utf8), readIndex: &readIndex, maxLength: 10), .incomplete)
        XCTAssertEqual(scanner.takeLine(in: Array("ab\r\n".utf8), readIndex: &readIndex, maxLength: 10), .line(0..<2))
        // Too long wins over a bare LF.
        readIndex = 0
        scanner.reset()
        XCTAssertEqual(scanner.takeLine(in: Array("abcdef\n".utf8), readIndex: &readIndex, maxLength: 3), .tooLong)
    }
}

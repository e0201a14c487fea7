@testable import Gateway
@testable import HTTPServer
import GatewayTestKit
import Logging
import Sockets
import TestSupport
import XCTest

/// `JSONWriter` writes through its own growable buffer (`JSONByteBuffer`): value semantics
/// (copy on write), growth past any initial capacity, and every escape.
final class JSONWriterTests: XCTestCase {
    func testACopyKeepsWhatWasWrittenWhenEitherWritesOn() {
        var first = JSONWriter(capacity: 4)
        first.beginObject()
        first.staticField("a", 1)
        var second = first
        second.staticField("b", "two")
        second.endObject()
        first.staticKey("c")
        first.bool(true)
        first.endObject()
        XCTAssertEqual(String(decoding: first.bytes, as: UTF8.self), #"{"a":1,"c":true}"#)
        XCTAssertEqual(String(decoding: second.bytes, as: UTF8.self), #"{"a":1,"b":"two"}"#)
    }

    func testGrowsFarPastItsInitialCapacity() {
        var json = JSONWriter(capacity: 1)
        json.beginArray()
        for index in 0..<10_000 { json.string("value \(index)") }
        json.endArray()
        let decoded = try? JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String]
        XCTAssertEqual(decoded?.count, 10_000)
        XCTAssertEqual(decoded?.last, "value 9999")
        XCTAssertEqual(json.count, json.bytes.count)
    }

    func testEscapesEveryControlByteQuoteAndBackslash() {
        var text = ""
        for scalar in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        text += "\"\\/é☃"
        var json = JSONWriter()
        json.string(text)
        let decoded = try? JSONSerialization.jsonObject(with: Data(json.bytes), options: .fragmentsAllowed) as? String
        XCTAssertEqual(decoded, text)
        XCTAssertTrue(String(decoding: json.bytes, as: UTF8.self).hasPrefix(#""\u0000\u0001"#))
    }

    /// The eight-bytes-at-a-time test agrees with the byte test for every byte at every place
    /// in a word, beside neighbours that borrow or not.
    func testTheWordTestFindsExactlyTheBytesThatNeedEscapes() {
        for byte in UInt8(0)...255 {
            let needs = byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            for place in 0..<8 {
                for filler: UInt8 in [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xFF] {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[place] = byte
                    let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    XCTAssertEqual(JSONWriter.anyNeedsEscape(word), needs, "byte \(byte) at \(place) among \(filler)")
                }
            }
        }
    }

    /// The plain-ASCII shortcut writes exactly what the general path writes, and only for
    /// bytes that need nothing done to them.
    func testPlainASCIIFieldsAreWrittenAsTheGeneralPathWritesThem() {
        var generator = SeededGenerator(seed: 9)
        let alphabet: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x5C, 0x7E, 0x7F, 0x80, 0xC3, 0xA9, 0xFF] + Array("abcxyz".utf8)
        for _ in 0..<3_000 {
            let bytes = (0..<Int.random(in: 0...20, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let plain = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != 0x22 && $0 != 0x5C }
            var fast = JSONWriter()
            fast.beginObject()
            let took = bytes.withUnsafeBufferPointer { fast.plainASCIIField("k", $0) }
            XCTAssertEqual(took, plain, "\(bytes)")
            guard took else { continue }
            fast.endObject()
            var general = JSONWriter()
            general.beginObject()
            general.staticField("k", utf8: bytes)
            general.endObject()
            XCTAssertEqual(fast.bytes, general.bytes)
        }
    }

    /// Every length from empty to five words, plain, and with one byte to escape (or beyond
    /// ASCII) at each position: the word test pads short text and overlaps the last word.
    func testPlainASCIIIsDecidedExactlyAtEveryLengthAndPosition() {
        for length in 0...40 {
            let plain: [UInt8] = (0..<length).map { index -> UInt8 in
                let byte = UInt8(0x20 + (index * 7) % 0x5E)
                return byte == 0x22 || byte == 0x5C ? 0x41 : byte
            }
            XCTAssertTrue(plain.withUnsafeBufferPointer(JSONWriter.isPlainASCII), "\(length)")
            var json = JSONWriter()
            json.beginObject()
            json.staticField("a", 1)
            XCTAssertTrue(plain.withUnsafeBufferPointer { json.plainASCIIField("k", $0) })
            json.endObject()
            let expected: [UInt8] = Array(#"{"a":1,"k":""#.utf8) + plain + Array(#""}"#.utf8)
            XCTAssertEqual(json.bytes, expected)
            for position in 0..<length {
                for bad: UInt8 in [0x00, 0x1F, 0x22, 0x5C, 0x80, 0xFF] {
                    var bytes = plain
                    bytes[position] = bad
                    XCTAssertFalse(bytes.withUnsafeBufferPointer(JSONWriter.isPlainASCII), "\(length) \(position) \(bad)")
                }
            }
        }
    }

    func testRandomTextIsEscapedAsAByteAtATimeWould() {
        var generator = SeededGenerator(seed: 5)
        let alphabet: [UInt8] = [0x00, 0x09, 0x0A, 0x1F, 0x20, 0x22, 0x2F, 0x41, 0x5C, 0x7F] + Array("abcdefgh".utf8)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            var expected = "\""
            for byte in bytes {
                switch byte {
                case 0x22: expected += "\\\""
                case 0x5C: expected += "\\\\"
                case 0x0A: expected += "\\n"
                case 0x0D: expected += "\\r"
                case 0x09: expected += "\\t"
                case 0..<0x20: expected += String(format: "\\u%04x", byte)
                default: expected.unicodeScalars.append(Unicode.Scalar(byte))
                }
            }
            expected += "\""
            var json = JSONWriter()
            json.string(utf8: bytes)
            XCTAssertEqual(String(decoding: json.bytes, as: UTF8.self), expected)
        }
    }

    func testIntegersAreWrittenAsTheirDecimalDescription() {
        // Two digits per step: every length, odd and even, each side of a power of ten.
        var values: [Int64] = [0, 1, 9, 10, 11, 99, 100, 101, 109, 110, 999, 1_000, 1_005, 10_000, 100_001,
                               1_764_170_000_123_456_789, .max, .min, .max - 1, .min + 1, -1, -9, -10, -100]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power]
        }
        var generator = SeededGenerator(seed: 11)
        values += (0..<500).map { _ in Int64.random(in: .min ... .max, using: &generator) >> Int64.random(in: 0...62, using: &generator) }
        for value in values {
            var json = JSONWriter()
            json.beginArray()
            json.int(value)
            json.decimalString(value)
            json.fixedPointString(value, fractionDigits: 3)
            json.endArray()
            let magnitude = value.magnitude
            let fixed = (value < 0 ? "-" : "") + "\(magnitude / 1_000)." + String(String(magnitude % 1_000 + 1_000).dropFirst())
            XCTAssertEqual(String(decoding: json.bytes, as: UTF8.self), "[\(value),\"\(value)\",\"\(fixed)\"]", "\(value)")
        }
    }

    func testTakeAndResetLeaveAnEmptyWriterThatWritesAgain() {
        var json = JSONWriter()
        json.beginArray(); json.int(1); json.endArray()
        XCTAssertEqual(json.takeBytes(), Array("[1]".utf8))
        XCTAssertEqual(json.count, 0)
        json.beginArray(); json.int(2); json.endArray()
        json.reset()
        json.null()
        XCTAssertEqual(json.bytes, Array("null".utf8))
    }

    /// The executable writes access records straight to its log sink; tests and library users
    /// go through swift-log. Both must make the same line.
    func testAccessRecordsWrittenStraightToTheSinkMatchTheSwiftLogLine() throws {
        var request = HTTPRequest(method: .post, target: "/ns/a%20b/query?x=1", headers: ["Host": "h"])
        request.context.requestID = "id-\"1\""
        request.context.clientAddress = "192.0.2.7"
        request.context.trace = W3CTraceContext(traceIDHigh: 0x0123_4567_89ab_cdef, traceIDLow: 0xfedc_ba98_7654_3210,
                                                parentSpanID: nil, spanID: 3, flags: 1)
        let exchange = HTTPExchangeRecord(
            request: request, status: HTTPStatus(code: 201), responseHeaders: HTTPHeaders(), bytesSent: 42,
            duration: .microseconds(1_234_567), remoteAddress: nil, routePattern: "/ns/{ns...}/query",
            error: nil)
        let viaLogger = LogLineCollector(), direct = LogLineCollector(), quiet = LogLineCollector()
        AccessLog(logger: Logger.json(into: viaLogger)).record(exchange, auth: "rw")
        AccessLog(lines: direct, level: .info).record(exchange, auth: "rw")
        AccessLog(lines: quiet, level: .notice).record(exchange, auth: "rw")
        let withoutTime = { (line: String) in line.replacing(/"ts":"[0-9.]+"/, with: #""ts":"T""#) }
        XCTAssertEqual(direct.all.map(withoutTime), viaLogger.all.map(withoutTime))
        XCTAssertEqual(direct.all.count, 1)
        XCTAssertTrue(direct.all[0].contains(#""request_id":"id-\"1\"""#), direct.all[0])
        XCTAssertTrue(direct.all[0].contains(#""duration_ms":"1234.567""#), direct.all[0])
        // Written without a string: the same 32 digits as the trace's own `traceID`.
        XCTAssertTrue(direct.all[0].contains(#""trace_id":"0123456789abcdeffedcba9876543210""#), direct.all[0])
        XCTAssertEqual(request.context.trace?.traceID, "0123456789abcdeffedcba9876543210")
        XCTAssertEqual(quiet.all, [], "a level above info writes no access record")
    }

    /// The thread's reusable buffer starts empty every time, and a writer that leaves the
    /// call (copied out) keeps its bytes: the next call writes into another buffer.
    func testTheThreadBufferIsEmptyEachTimeAndNeverTakenFromAKeptCopy() {
        let first = JSONWriter.withThreadBuffer { json -> String in
            json.beginObject()
            json.staticField("a", "first line, longer than the next")
            json.endObject()
            return String(decoding: json.bytes, as: UTF8.self)
        }
        XCTAssertEqual(first, #"{"a":"first line, longer than the next"}"#)
        var kept = JSONWriter.withThreadBuffer { json -> JSONWriter in
            json.beginObject()
            json.staticField("b", "2")
            return json
        }
        let third = JSONWriter.withThreadBuffer { json -> String in
            json.beginArray()
            json.string("three")
            json.endArray()
            return String(decoding: json.bytes, as: UTF8.self)
        }
        XCTAssertEqual(third, #"["three"]"#)
        kept.endObject()
        XCTAssertEqual(String(decoding: kept.bytes, as: UTF8.self), #"{"b":"2"}"#, "the kept writer's bytes are its own")
        // A line larger than a thread keeps is written whole, and the next one starts empty.
        let long = String(repeating: "x", count: JSONByteBuffer.reusableCapacity * 2)
        let large = JSONWriter.withThreadBuffer { json -> Int in
            json.string(long)
            return json.count
        }
        XCTAssertEqual(large, long.utf8.count + 2)
        XCTAssertEqual(JSONWriter.withThreadBuffer { json -> Int in json.count }, 0)
    }
}

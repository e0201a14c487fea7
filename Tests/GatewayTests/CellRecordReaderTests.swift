import XCTest
@testable import Gateway

/// CellRecordReader on its own: what it splits an upload body into must not depend on where
/// the reads of the body ended.
final class CellRecordReaderTests: XCTestCase {
    /// Reads `body` in pieces of `pieceSize` bytes; the records' text, or the refusal's detail.
    private func records(_ body: [UInt8], format: CellRecordReader.Format, maxRecordBytes: Int,
                         pieceSize: Int) -> Result<[String], Problem> {
        var offset = 0
        var reader = CellRecordReader(format: format, maxRecordBytes: maxRecordBytes) {
            guard offset < body.count else { return nil }
            let end = min(body.count, offset + pieceSize)
            defer { offset = end }
            return Array(body[offset..<end])
        }
        var texts: [String] = []
        do {
            while let record = try reader.next() { texts.append(String(decoding: record.json, as: UTF8.self)) }
            return .success(texts)
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            XCTFail("unexpected \(error)")
            return .success(texts)
        }
    }

    /// Found by FuzzCellRecords (input also in Tests/Fuzz/Regressions/FuzzCellRecords): an NDJSON
    /// line of exactly maxRecordBytes whose CRLF was split by a read was refused as too long (its
    /// CR counted), while the same body read whole was accepted.
    func testFuzzRegressionLineAtTheLimitWithItsCRLFSplit() throws {
        let line = "{\"row\":\"r\",\"column_family\":\"f\",\"value\":\"vvvvv\"}"
        let body = Array((line + "\r\n{\"row\":\"s\"}\r\n").utf8)
        let limit = line.utf8.count
        for pieceSize in [Int.max, 1, limit + 1] {
            guard case .success(let texts) = records(body, format: .ndjson, maxRecordBytes: limit, pieceSize: pieceSize)
            else { return XCTFail("refused with pieces of \(pieceSize)") }
            XCTAssertEqual(texts, [line, "{\"row\":\"s\"}"], "pieces of \(pieceSize)")
        }
        // One byte more is too long however it arrives.
        for pieceSize in [Int.max, 1, limit + 1] {
            guard case .failure = records(body, format: .ndjson, maxRecordBytes: limit - 1, pieceSize: pieceSize)
            else { return XCTFail("accepted a line past the limit with pieces of \(pieceSize)") }
        }

        // The fuzzer's input (maxRecordBytes 300: its fourth line has exactly 300 bytes).
        let hex =
            "7b22726f770100000000220000b422636f65735d74616d702265195c227d5d227d0d0a0a20200a7b22726f77223a2022"
            + "6262626262626262626262626262626262626262626262625c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c"
            + "3a5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c"
            + "5c5656565656565656565656565656565656565c5c5c5c5c5c5c5c5c5c5c5c5c5c5cffffffffffffffffffffffffffff"
            + "ffffffffffffffffffffffffffffffffffffffffffffffffffff5c5c5c5c5c5c5c5c5c5c626262626262626262626262"
            + "626262626262626262626262626262626262626262626262626263222c2022636f6c756d6e5f66616d696c79223a2022"
            + "636f6c756d6e5f7175616c69666965725b2c2c5f656e636f64696e676e5f66616d4040404040404078404040405c227d"
            + "5d227d0d0a0a20200a7b222276616c75655f656e636f64696e6722726f77404040696c79227d2c"
        var crash: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            crash.append(try XCTUnwrap(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        let whole = records(crash, format: .ndjson, maxRecordBytes: 300, pieceSize: .max)
        guard case .success(let expected) = whole else { return XCTFail("the whole body is refused") }
        XCTAssertEqual(expected.count, 3)
        guard case .success(let byByte) = records(crash, format: .ndjson, maxRecordBytes: 300, pieceSize: 1)
        else { return XCTFail("refused byte by byte") }
        XCTAssertEqual(byByte, expected)
    }
}

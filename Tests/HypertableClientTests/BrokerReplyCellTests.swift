import ThriftBrokerServer
import Thrift
import XCTest
@testable import HypertableClient

/// The C++ ThriftBroker's `convert_cell` leaves an empty qualifier and an empty value unset;
/// a processor made with `writesCellsLikeThriftBroker` writes reply cells the same way.
final class BrokerReplyCellTests: XCTestCase {
    static let cells = [
        Cell(key: Key(row: Array("r".utf8), columnFamily: "cf", columnQualifier: [], timestamp: 7, revision: 8), value: []),
        Cell(key: Key(row: Array("r".utf8), columnFamily: "cf", columnQualifier: Array("q".utf8), timestamp: 9), value: [0x00, 0xFF]),
        Cell(key: Key(row: Array("s".utf8), columnFamily: "cf", timestamp: 10), value: nil),
    ]

    private final class CellService: RecordingBrokerService, @unchecked Sendable {
        override func scannerNextCells(_ scanner: Int64) throws -> [Cell] { BrokerReplyCellTests.cells }
        override func hqlQuery(_ namespace: Int64, _ command: String) throws -> HQLResult {
            HQLResult(cells: BrokerReplyCellTests.cells)
        }
    }

    private func call(_ name: String, _ arguments: (inout ThriftBinaryWriter) -> Void) -> [UInt8] {
        var writer = ThriftBinaryWriter()
        writer.writeMessageBegin(name: name, type: .call, sequenceID: 1)
        arguments(&writer)
        return writer.bytes
    }

    /// Field ids present in each cell and in each cell's key, from a list of cells.
    private func fieldIDs(inCellList reader: inout ThriftBinaryReader) throws -> [(cell: [Int16], key: [Int16])] {
        var out: [(cell: [Int16], key: [Int16])] = []
        let (_, count) = try reader.readListBegin()
        for _ in 0..<count {
            var cellFields: [Int16] = []
            var keyFields: [Int16] = []
            try reader.readStruct { reader, field in
                cellFields.append(field.id)
                guard field.id == 1 else { return false }
                try reader.readStruct { _, keyField in
                    keyFields.append(keyField.id)
                    return false
                }
                return true
            }
            out.append((cellFields, keyFields))
        }
        return out
    }

    private let expected: [(cell: [Int16], key: [Int16])] = [
        ([1], [1, 2, 4, 5, 6]),       // no qualifier, no value
        ([1, 2], [1, 2, 3, 4, 6]),    // qualifier and value; no revision was given
        ([1], [1, 2, 4, 6]),
    ]

    func testNextCellsReplyLeavesEmptyQualifierAndValueUnset() throws {
        let processor = ThriftBrokerProcessor(writesCellsLikeThriftBroker: true)
        let reply = try XCTUnwrap(processor.process(frame: call("next_cells") { $0.writeField(1, Int64(1)); $0.writeFieldStop() },
                                                    service: CellService()))
        var reader = ThriftBinaryReader(reply)
        XCTAssertEqual(try reader.readMessageBegin().type, .reply)
        var got: [(cell: [Int16], key: [Int16])] = []
        try reader.readStruct { reader, field in
            guard field.id == 0 else { return false }
            got = try fieldIDs(inCellList: &reader)
            return true
        }
        XCTAssertEqual(got.map(\.cell), expected.map(\.cell))
        XCTAssertEqual(got.map(\.key), expected.map(\.key))
    }

    func testHQLResultCellsAreWrittenTheSameWay() throws {
        let processor = ThriftBrokerProcessor(writesCellsLikeThriftBroker: true)
        let frame = call("hql_query") { $0.writeField(1, Int64(1)); $0.writeField(2, "SELECT * FROM t"); $0.writeFieldStop() }
        let reply = try XCTUnwrap(processor.process(frame: frame, service: CellService()))
        var reader = ThriftBinaryReader(reply)
        _ = try reader.readMessageBegin()
        var got: [(cell: [Int16], key: [Int16])] = []
        try reader.readStruct { reader, field in
            guard field.id == 0 else { return false }
            try reader.readStruct { reader, resultField in
                guard resultField.id == 2 else { return false }
                got = try fieldIDs(inCellList: &reader)
                return true
            }
            return true
        }
        XCTAssertEqual(got.map(\.cell), expected.map(\.cell))
        XCTAssertEqual(got.map(\.key), expected.map(\.key))
    }

    /// Decoded, a broker-style cell is the same cell (an absent qualifier reads as empty).
    func testBrokerStyleCellsDecodeToTheSameCells() throws {
        for cell in Self.cells {
            var writer = ThriftBinaryWriter()
            BrokerReplyCell(cell).write(to: &writer)
            var reader = ThriftBinaryReader(writer.bytes)
            let decoded = try Cell.read(from: &reader)
            XCTAssertEqual(decoded.key, cell.key)
            XCTAssertEqual(decoded.value ?? [], cell.value ?? [])
        }
    }

    /// The default processor writes what its service returns, field for field, as Thrift's
    /// generated processors do (the golden frames depend on it).
    func testDefaultProcessorWritesEveryField() throws {
        let reply = try XCTUnwrap(ThriftBrokerProcessor().process(
            frame: call("next_cells") { $0.writeField(1, Int64(1)); $0.writeFieldStop() }, service: CellService()))
        var reader = ThriftBinaryReader(reply)
        _ = try reader.readMessageBegin()
        var got: [(cell: [Int16], key: [Int16])] = []
        try reader.readStruct { reader, field in
            guard field.id == 0 else { return false }
            got = try fieldIDs(inCellList: &reader)
            return true
        }
        XCTAssertEqual(got.map(\.key), [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 6], [1, 2, 3, 4, 6]])
        XCTAssertEqual(got.map(\.cell), [[1, 2], [1, 2], [1]])
    }
}

import Thrift
import XCTest
@testable import HypertableClient

/// Encode/decode of the broker types: round trips, defaults, and where decoding is strict.
final class CodecTests: XCTestCase {
    private func roundTrip<T: ThriftCodable & Equatable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
        var writer = ThriftBinaryWriter()
        value.write(to: &writer)
        var reader = ThriftBinaryReader(writer.bytes)
        XCTAssertEqual(try T.read(from: &reader), value, file: file, line: line)
        XCTAssertTrue(reader.isAtEnd, file: file, line: line)
    }

    private func decode<T: ThriftCodable>(_: T.Type, _ bytes: [UInt8]) throws -> T {
        var reader = ThriftBinaryReader(bytes)
        return try T.read(from: &reader)
    }

    /// Struct bytes built field by field.
    private func structBytes(_ build: (inout ThriftBinaryWriter) -> Void) -> [UInt8] {
        var writer = ThriftBinaryWriter()
        build(&writer)
        writer.writeFieldStop()
        return writer.bytes
    }

    func testEveryBrokerTypeRoundTrips() throws {
        try roundTrip(RecordingBrokerService.cell)
        try roundTrip(Cell(key: Key(row: [])))
        for flag in KeyFlag.allCases { try roundTrip(Key(row: [0], flag: flag)) }
        var spec = ScanSpec()
        try roundTrip(spec)
        spec.rowIntervals = [RowInterval(), RowInterval(startRow: [0xFF], startInclusive: false, endRow: [], endInclusive: false)]
        spec.cellIntervals = [CellInterval(startRow: [1], startColumn: "a", startInclusive: false,
                                           endRow: [2], endColumn: "b", endInclusive: false)]
        spec.returnDeletes = true
        spec.versions = 3
        spec.rowLimit = 4
        spec.startTime = Int64.min
        spec.endTime = Int64.max
        spec.columns = ["a", "b:c"]
        spec.keysOnly = true
        spec.cellLimit = 5
        spec.cellLimitPerFamily = 6
        spec.rowRegexp = "r"
        spec.valueRegexp = "v"
        spec.scanAndFilterRows = true
        spec.rowOffset = 7
        spec.cellOffset = 8
        spec.columnPredicates = [ColumnPredicate(columnFamily: "cf", columnQualifier: "q",
                                                 operation: .qualifierMatch, value: "x"),
                                 ColumnPredicate(operation: .valueMatch)]
        spec.doNotCache = true
        spec.andColumnPredicates = true
        try roundTrip(spec)
        try roundTrip(MutateSpec())
        try roundTrip(MutateSpec(appName: "gw", flushInterval: 0, flags: 5))
        try roundTrip(NamespaceListing(name: "n", isNamespace: true))
        try roundTrip(RecordingBrokerService.schema)
        try roundTrip(Schema())
        try roundTrip(BrokerStatus(code: 2, text: "critical"))
        try roundTrip(HQLResult())
        try roundTrip(HQLResult(results: [], cells: [], scanner: 0, mutator: -1))
        try roundTrip(HQLResult(results: ["a"], cells: [RecordingBrokerService.cell]))
        try roundTrip(ClientException(code: -1, message: "é"))
    }

    func testSchemaEncodingIsDeterministic() {
        var first = ThriftBinaryWriter(), second = ThriftBinaryWriter()
        RecordingBrokerService.schema.write(to: &first)
        var copy = RecordingBrokerService.schema
        copy.columnFamilies["zz"] = ColumnFamilySpec(name: "zz")
        copy.columnFamilies["zz"] = nil
        copy.write(to: &second)
        XCTAssertEqual(first.bytes, second.bytes)
    }

    func testMissingDefaultFieldsTakeIDLDefaults() throws {
        XCTAssertEqual(try decode(Key.self, [0]), Key(row: [], columnFamily: "", columnQualifier: [], flag: .insert))
        XCTAssertEqual(try decode(Cell.self, [0]), Cell(key: Key(row: [])))
        XCTAssertEqual(try decode(RowInterval.self, [0]), RowInterval(startInclusive: true, endInclusive: true))
        XCTAssertEqual(try decode(ScanSpec.self, [0]), ScanSpec())
        XCTAssertEqual(try decode(ClientException.self, [0]), ClientException(code: 0, message: ""))
        XCTAssertEqual(try decode(ColumnFamilySpec.self, [0]), ColumnFamilySpec(name: "", accessGroup: ""))
        XCTAssertEqual(try decode(HQLResult.self, [0]), HQLResult())
    }

    func testMissingRequiredFieldsAreErrors() {
        XCTAssertThrowsError(try decode(NamespaceListing.self, structBytes { $0.writeField(1, "n") })) { error in
            XCTAssertEqual(error as? ThriftError, .missingRequiredField(structName: "NamespaceListing", field: "is_namespace"))
        }
        XCTAssertThrowsError(try decode(BrokerStatus.self, structBytes { $0.writeField(1, Int32(0)) })) { error in
            XCTAssertEqual(error as? ThriftError, .missingRequiredField(structName: "Status", field: "text"))
        }
        XCTAssertThrowsError(try decode(MutateSpec.self, structBytes { $0.writeField(1, "a"); $0.writeField(3, Int32(2)) })) { error in
            XCTAssertEqual(error as? ThriftError, .missingRequiredField(structName: "MutateSpec", field: "flush_interval"))
        }
    }

    func testUndefinedKeyFlagIsAnError() {
        XCTAssertThrowsError(try decode(Key.self, structBytes { $0.writeField(6, Int32(7)) })) { error in
            XCTAssertEqual(error as? ThriftError, .invalidValue(what: "Key.flag (KeyFlag)", value: "7"))
        }
    }

    func testWrongWireTypeForAKnownFieldIsAnError() {
        XCTAssertThrowsError(try decode(Key.self, structBytes { $0.writeField(4, "not a timestamp") })) { error in
            XCTAssertEqual(error as? ThriftError,
                           .wrongFieldType(structName: "Key", fieldID: 4, expected: .i64, actual: .string))
        }
        XCTAssertThrowsError(try decode(Schema.self, structBytes { writer in
            writer.writeMapField(1, [("ag", Int32(1))])
        })) { error in
            guard case .wrongElementType? = error as? ThriftError else { return XCTFail("\(error)") }
        }
    }

    func testUnknownFieldsAreSkipped() throws {
        let bytes = structBytes { writer in
            writer.writeField(99, [BrokerStatus(code: 1, text: "x")])
            writer.writeField(1, RecordingBrokerService.cell.key)
            writer.writeFieldBegin(.map, id: -3)
            writer.writeMapBegin(keyType: .string, valueType: .struct, count: 1)
            writer.writeString("k")
            writer.writeFieldStop()
            writer.writeBinaryField(2, [9])
        }
        XCTAssertEqual(try decode(Cell.self, bytes), Cell(key: RecordingBrokerService.cell.key, value: [9]))
    }

    func testRowIntervalBinaryFieldsWinOverStringFields() throws {
        let bytes = structBytes { writer in
            writer.writeBinaryField(1, Array("text".utf8))
            writer.writeBinaryField(3, Array("end".utf8))
            writer.writeBinaryField(5, [0xFF, 0xFE])
        }
        XCTAssertEqual(try decode(RowInterval.self, bytes),
                       RowInterval(startRow: [0xFF, 0xFE], endRow: Array("end".utf8)))
    }

    func testTruncatedStructsNeverTrap() throws {
        var writer = ThriftBinaryWriter()
        RecordingBrokerService.schema.write(to: &writer)
        HQLResult(results: ["x"], cells: [RecordingBrokerService.cell], scanner: 1).write(to: &writer)
        let bytes = writer.bytes
        for length in 0..<bytes.count {
            var reader = ThriftBinaryReader(Array(bytes[0..<length]))
            do {
                _ = try Schema.read(from: &reader)
                _ = try HQLResult.read(from: &reader)
                XCTFail("prefix \(length) decoded")
            } catch is ThriftError {
            }
        }
    }
}

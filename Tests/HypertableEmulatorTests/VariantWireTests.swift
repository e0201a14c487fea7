import ThriftBrokerServer
import HypertableClient
@testable import HypertableEmulator
import Thrift
import XCTest

/// The `*_as_arrays`, `*_serialized` and future calls on the wire: ThriftBrokerProcessor's
/// conversions (ThriftBrokerVariantHandlers.swift) in front of the embedded broker.
final class VariantWireTests: XCTestCase {
    private let processor = ThriftBrokerProcessor(writesCellsLikeThriftBroker: true)

    /// Calls `name`, answers the reply's result struct as (field id -> raw reader at it).
    private func call(_ name: String, _ session: EmulatorSession,
                      _ arguments: (inout ThriftBinaryWriter) -> Void) throws -> (success: ThriftBinaryReader?, exception: ClientException?) {
        var writer = ThriftBinaryWriter()
        writer.writeMessageBegin(name: name, type: .call, sequenceID: 1)
        arguments(&writer)
        writer.writeFieldStop()
        var reader = ThriftBinaryReader(try XCTUnwrap(processor.process(frame: writer.bytes, service: session)))
        let header = try reader.readMessageBegin()
        XCTAssertEqual(header.type, .reply, name)
        var success: ThriftBinaryReader?
        var exception: ClientException?
        try reader.readStruct { reader, field in
            if field.id == 0 {
                success = reader
                try reader.skip(field.type)
                return true
            }
            if field.id == 1 {
                exception = try ClientException.read(from: &reader)
                return true
            }
            return false
        }
        return (success, exception)
    }

    private func fixture() throws -> Fixture {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a, b)")
        try f.session.setCells(f.ns, "t", cells: [cell("r1", "a", "x", "one", timestamp: 5), cell("r2", "b", "", "two", timestamp: 6)])
        return f
    }

    func testGetCellsSerializedIsTheWritersBufferOfTheCells() throws {
        let f = try fixture()
        let reply = try call("get_cells_serialized", f.session) {
            $0.writeField(1, f.ns)
            $0.writeField(2, "t")
            $0.writeField(3, ScanSpec())
        }
        var success = try XCTUnwrap(reply.success)
        let bytes = try success.readBinary()
        XCTAssertEqual(bytes, try SerializedCellsWriter.serialize(try f.session.getCells(f.ns, "t", scanSpec: ScanSpec())))
        XCTAssertEqual(bytes.last, 0x03)
    }

    func testArraysThatDoNotConvertAreBadKey() throws {
        let f = try fixture()
        let reply = try call("set_cells_as_arrays", f.session) {
            $0.writeField(1, f.ns)
            $0.writeField(2, "t")
            $0.writeField(3, [[ThriftBinary(Array("r".utf8)), ThriftBinary(Array("a".utf8)), ThriftBinary([]),
                               ThriftBinary([]), ThriftBinary(Array("later".utf8))]])
        }
        XCTAssertEqual(reply.exception, ClientException(.badKey, "Error converting later to timestamp"))
        // ThriftBroker opens the table's mutator first: a missing table wins over a bad cell.
        let missing = try call("set_cell_as_array", f.session) {
            $0.writeField(1, f.ns)
            $0.writeField(2, "nope")
            $0.writeField(3, [ThriftBinary]())
        }
        XCTAssertEqual(missing.exception?.code, HypertableErrorCode.tableNotFound.rawValue)
    }

    func testAMutatorsResultHasNoArrayOrSerializedForm() throws {
        let f = try fixture()
        let future = try f.session.futureOpen(capacity: 0)
        let mutator = try f.session.asyncMutatorOpen(f.ns, "t", future: future, flags: 0)
        for name in ["future_get_result_serialized", "get_future_result_as_arrays"] {
            try f.session.asyncMutatorSetCells(mutator, cells: [cell("m", "a", "", "v")])
            try f.session.asyncMutatorFlush(mutator)
            let reply = try call(name, f.session) { $0.writeField(1, future) }
            XCTAssertEqual(reply.exception?.code, HypertableErrorCode.notImplemented.rawValue, name)
            XCTAssertTrue(try f.session.futureIsEmpty(future), "\(name): the result is taken off the queue all the same")
        }
    }

    func testGenerateGUIDOnTheWire() throws {
        let f = try fixture()
        var success = try XCTUnwrap(try call("generate_guid", f.session) { _ in }.success)
        XCTAssertEqual(try success.readString().count, 36)
    }
}

import Thrift
import XCTest
import HypertableClient
@testable import ThriftBrokerServer

final class ProcessorTests: XCTestCase {
    private let processor = ThriftBrokerProcessor()

    private func call(_ name: String, type: ThriftMessageType = .call, sequenceID: Int32 = 3,
                      _ arguments: (inout ThriftBinaryWriter) -> Void = { $0.writeFieldStop() }) -> [UInt8] {
        var writer = ThriftBinaryWriter()
        writer.writeMessageBegin(name: name, type: type, sequenceID: sequenceID)
        arguments(&writer)
        return writer.bytes
    }

    /// Decodes a reply: its header and, for an exception message, the exception.
    private func reply(_ bytes: [UInt8]?, file: StaticString = #filePath, line: UInt = #line)
        throws -> (header: ThriftMessageHeader, exception: ThriftApplicationException?, reader: ThriftBinaryReader) {
        var reader = ThriftBinaryReader(try XCTUnwrap(bytes, "no reply", file: file, line: line))
        let header = try reader.readMessageBegin()
        if header.type == .exception {
            return (header, try ThriftApplicationException.read(from: &reader), reader)
        }
        return (header, nil, reader)
    }

    func testDeprecatedAliasesReachTheSameServiceMethods() throws {
        let aliases: [(String, String, (inout ThriftBinaryWriter) -> Void)] = [
            ("open_namespace", "namespaceOpen", { $0.writeField(1, "ns"); $0.writeFieldStop() }),
            ("create_namespace", "namespaceCreate", { $0.writeField(1, "ns"); $0.writeFieldStop() }),
            ("close_namespace", "namespaceClose", { $0.writeField(1, Int64(1)); $0.writeFieldStop() }),
            ("exists_namespace", "namespaceExists", { $0.writeField(1, "ns"); $0.writeFieldStop() }),
            ("drop_namespace", "namespaceDrop", { $0.writeField(1, "ns"); $0.writeFieldStop() }),
            ("get_listing", "namespaceGetListing", { $0.writeField(1, Int64(1)); $0.writeFieldStop() }),
            ("exists_table", "tableExists", { $0.writeField(1, Int64(1)); $0.writeField(2, "t"); $0.writeFieldStop() }),
            ("drop_table", "tableDrop", { $0.writeField(1, Int64(1)); $0.writeField(2, "t"); $0.writeFieldStop() }),
            ("rename_table", "tableRename", { $0.writeField(1, Int64(1)); $0.writeField(2, "t"); $0.writeField(3, "u"); $0.writeFieldStop() }),
            ("get_schema_str", "getSchemaString", { $0.writeField(1, Int64(1)); $0.writeField(2, "t"); $0.writeFieldStop() }),
            ("get_schema", "getSchema", { $0.writeField(1, Int64(1)); $0.writeField(2, "t"); $0.writeFieldStop() }),
            ("open_scanner", "scannerOpen", { $0.writeField(1, Int64(1)); $0.writeField(2, "t"); $0.writeFieldStop() }),
            ("scanner_get_cells", "scannerNextCells", { $0.writeField(1, Int64(1)); $0.writeFieldStop() }),
            ("scanner_get_row", "scannerNextRow", { $0.writeField(1, Int64(1)); $0.writeFieldStop() }),
            ("close_scanner", "scannerClose", { $0.writeField(1, Int64(1)); $0.writeFieldStop() }),
            ("open_mutator", "mutatorOpen", { $0.writeField(1, Int64(1)); $0.writeField(2, "t"); $0.writeFieldStop() }),
            ("flush_mutator", "mutatorFlush", { $0.writeField(1, Int64(1)); $0.writeFieldStop() }),
            ("close_mutator", "mutatorClose", { $0.writeField(1, Int64(1)); $0.writeFieldStop() }),
        ]
        for (name, method, arguments) in aliases {
            let service = RecordingBrokerService()
            let (header, exception, _) = try reply(processor.process(frame: call(name, arguments), service: service))
            XCTAssertEqual(header, ThriftMessageHeader(name: name, type: .reply, sequenceID: 3), name)
            XCTAssertNil(exception, name)
            XCTAssertEqual(service.calls.map(\.method), [method], name)
        }
    }

    func testAbsentArgumentsTakeTheIDLDefaults() throws {
        let service = RecordingBrokerService()
        _ = processor.process(frame: call("namespace_drop") { $0.writeField(1, "ns"); $0.writeFieldStop() }, service: service)
        _ = processor.process(frame: call("table_drop") { $0.writeFieldStop() }, service: service)
        _ = processor.process(frame: call("mutator_open") { $0.writeFieldStop() }, service: service)
        _ = processor.process(frame: call("hql_exec") { $0.writeField(2, "SHOW TABLES"); $0.writeFieldStop() }, service: service)
        XCTAssertEqual(service.calls, [
            RecordedCall("namespaceDrop", "ns", true),
            RecordedCall("tableDrop", Int64(0), "", true),
            RecordedCall("mutatorOpen", Int64(0), "", Int32(0), Int32(0)),
            RecordedCall("hqlExec", Int64(0), "SHOW TABLES", false, false),
        ])
    }

    func testServedNamesAreEveryMethodOfTheIDL() {
        // Every function of Client.thrift's ClientService and Hql.thrift's HqlService (0.9.8.11),
        // current names and deprecated aliases, sorted.
        XCTAssertEqual(ThriftBrokerProcessor.methodNames.sorted(), [
            "async_mutator_cancel", "async_mutator_close", "async_mutator_flush", "async_mutator_open",
            "async_mutator_set_cell", "async_mutator_set_cell_as_array", "async_mutator_set_cells",
            "async_mutator_set_cells_as_arrays", "async_mutator_set_cells_serialized", "async_scanner_cancel",
            "async_scanner_close", "async_scanner_open", "cancel_future", "cancel_mutator_async",
            "cancel_scanner_async", "close_future", "close_mutator", "close_mutator_async", "close_namespace",
            "close_scanner", "close_scanner_async", "create_cell_unique", "create_namespace", "drop_namespace",
            "drop_table", "error_get_text", "exists_namespace", "exists_table", "flush_mutator",
            "flush_mutator_async", "future_cancel", "future_close", "future_get_result",
            "future_get_result_as_arrays", "future_get_result_serialized", "future_has_outstanding",
            "future_is_cancelled", "future_is_empty", "future_is_full", "future_open", "generate_guid", "get_cell",
            "get_cells", "get_cells_as_arrays", "get_cells_serialized", "get_future_result",
            "get_future_result_as_arrays", "get_future_result_serialized", "get_listing", "get_row",
            "get_row_as_arrays", "get_row_serialized", "get_schema", "get_schema_str", "get_schema_str_with_ids",
            "get_table_id", "get_table_splits", "get_tables", "hql_exec", "hql_exec2", "hql_exec_as_arrays",
            "hql_query", "hql_query2", "hql_query_as_arrays", "mutator_close", "mutator_flush", "mutator_open",
            "mutator_set_cell", "mutator_set_cell_as_array", "mutator_set_cells", "mutator_set_cells_as_arrays",
            "mutator_set_cells_serialized", "namespace_close", "namespace_create", "namespace_drop",
            "namespace_exists", "namespace_get_listing", "namespace_open", "next_cells", "next_cells_as_arrays",
            "next_cells_serialized", "next_row", "next_row_as_arrays", "next_row_serialized", "offer_cell",
            "offer_cell_as_array", "offer_cells", "offer_cells_as_arrays", "open_future", "open_mutator",
            "open_mutator_async", "open_namespace", "open_scanner", "open_scanner_async", "refresh_shared_mutator",
            "refresh_table", "rename_table", "scanner_close", "scanner_get_cells", "scanner_get_cells_as_arrays",
            "scanner_get_cells_serialized", "scanner_get_row", "scanner_get_row_as_arrays",
            "scanner_get_row_serialized", "scanner_open", "set_cell", "set_cell_as_array", "set_cell_as_array_async",
            "set_cell_async", "set_cells", "set_cells_as_arrays", "set_cells_as_arrays_async", "set_cells_async",
            "set_cells_serialized", "set_cells_serialized_async", "shared_mutator_refresh",
            "shared_mutator_set_cell", "shared_mutator_set_cell_as_array", "shared_mutator_set_cells",
            "shared_mutator_set_cells_as_arrays", "shutdown", "status", "table_alter", "table_create", "table_drop",
            "table_exists", "table_get_id", "table_get_schema", "table_get_schema_str",
            "table_get_schema_str_with_ids", "table_get_splits", "table_rename",
        ])
    }

    /// `future_open` is served, but only for a `HypertableExtendedService`: to a narrower
    /// service (a client connection, this recording fake) it is an unknown method.
    func testUnknownMethodIsUnknownMethod() throws {
        let (header, exception, _) = try reply(processor.process(frame: call("future_open", sequenceID: 9),
                                                                 service: RecordingBrokerService()))
        XCTAssertEqual(header, ThriftMessageHeader(name: "future_open", type: .exception, sequenceID: 9))
        XCTAssertEqual(exception, ThriftApplicationException(.unknownMethod, "Unknown function future_open"))
        let (_, aliasException, _) = try reply(processor.process(frame: call("open_future", sequenceID: 9),
                                                                 service: RecordingBrokerService()))
        XCTAssertEqual(aliasException, ThriftApplicationException(.unknownMethod, "Unknown function open_future"))
    }

    func testUndecodableArgumentsAreAProtocolError() throws {
        let service = RecordingBrokerService()
        let wrongType = call("namespace_open") { $0.writeField(1, Int64(5)); $0.writeFieldStop() }
        var (header, exception, _) = try reply(processor.process(frame: wrongType, service: service))
        XCTAssertEqual(header.type, .exception)
        XCTAssertEqual(exception?.kind, .protocolError)
        XCTAssertTrue(exception?.message.contains("namespace_open") ?? false)

        // Every truncation of a real call: a protocol error (or, for a cut envelope, too), never a trap.
        let golden = Array(try goldenFixture("scanner_open_call").dropFirst(4))
        for length in 0..<golden.count {
            (header, exception, _) = try reply(processor.process(frame: Array(golden[0..<length]), service: service))
            XCTAssertEqual(header.type, .exception)
            XCTAssertEqual(exception?.kind, .protocolError, "prefix \(length)")
        }
        XCTAssertEqual(service.calls, [], "nothing reached the service")
    }

    func testBadEnvelopeAndWrongMessageType() throws {
        var (header, exception, _) = try reply(processor.process(frame: [0x80, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
                                                                 service: RecordingBrokerService()))
        XCTAssertEqual(header, ThriftMessageHeader(name: "", type: .exception, sequenceID: 0))
        XCTAssertEqual(exception?.kind, .protocolError)

        (header, exception, _) = try reply(processor.process(frame: call("status", type: .reply),
                                                             service: RecordingBrokerService()))
        XCTAssertEqual(header.name, "status")
        XCTAssertEqual(exception?.kind, .invalidMessageType)
    }

    func testOnewayCallsGetNoReply() {
        let service = RecordingBrokerService()
        XCTAssertNil(processor.process(frame: call("status", type: .oneway), service: service))
        XCTAssertNil(processor.process(frame: call("no_such", type: .oneway), service: service))
        XCTAssertEqual(service.calls, [RecordedCall("status")])
    }

    func testServiceErrorsMapToTheirReplies() throws {
        struct Failure: Error {}
        let service = RecordingBrokerService()
        service.fail("status", with: Failure())
        service.fail("getTables", with: ThriftApplicationException(.missingResult, "nothing"))
        service.fail("errorGetText", with: ClientException(.tableNotFound, "x"))
        service.fail("tableExists", with: ClientException(.tableNotFound, "t"))

        var (_, exception, _) = try reply(processor.process(frame: call("status"), service: service))
        XCTAssertEqual(exception?.kind, .internalError)
        (_, exception, _) = try reply(processor.process(frame: call("get_tables"), service: service))
        XCTAssertEqual(exception, ThriftApplicationException(.missingResult, "nothing"))
        // error_get_text declares no ClientException, so there is no field to carry one.
        (_, exception, _) = try reply(processor.process(frame: call("error_get_text"), service: service))
        XCTAssertEqual(exception?.kind, .internalError)

        var reader: ThriftBinaryReader
        (_, exception, reader) = try reply(processor.process(frame: call("table_exists"), service: service))
        XCTAssertNil(exception)
        var thrown: ClientException?
        try reader.readStruct { reader, field in
            XCTAssertEqual(field.id, 1)
            thrown = try reader.read(ClientException.self, for: field, in: "table_exists_result")
            return true
        }
        XCTAssertEqual(thrown, ClientException(.tableNotFound, "t"))
    }
}

import HypertableClient
import Thrift

/// The server side of the ThriftBroker protocol: decodes one call frame, dispatches it to any
/// `HypertableService`, and encodes the reply, as Thrift's generated `Processor` does.
///
/// - Both the current method names and their deprecated aliases (`open_namespace`,
///   `scanner_get_cells`, `get_schema_str`, ...) are served; the reply carries the name called.
/// - A `ClientException` from the service goes back in the result's field 1 (`e`).
/// - The `*_as_arrays`, `*_serialized` and `hql_*2` variants and the calls of
///   `HypertableExtendedService` are in `ThriftBrokerVariantHandlers.swift`; the latter answer
///   UNKNOWN_METHOD when the service does not conform.
/// - Unknown (or unsupported) methods get a `TApplicationException` `UNKNOWN_METHOD`
///   ("Unknown function NAME", the generated processors' text); undecodable arguments or
///   envelopes get `PROTOCOL_ERROR`; a call message of the wrong type `INVALID_MESSAGE_TYPE`;
///   any other error thrown by the service `INTERNAL_ERROR`. The connection stays usable after
///   each of these: frames keep the stream in step.
public struct ThriftBrokerProcessor: Sendable {
    public let maxDepth: Int
    /// Reply cells as the C++ ThriftBroker writes them (`BrokerReplyCell`: an empty qualifier
    /// or value left unset) instead of every field set, as a generated processor writes the
    /// structs its handler returns.
    public let writesCellsLikeThriftBroker: Bool

    public init(maxDepth: Int = ThriftBinaryReader.defaultMaxDepth, writesCellsLikeThriftBroker: Bool = false) {
        self.maxDepth = maxDepth
        self.writesCellsLikeThriftBroker = writesCellsLikeThriftBroker
    }

    /// Every method name served, aliases included.
    public static var methodNames: Set<String> { Set(handlers.keys) }

    private var handlerTable: [String: MethodHandler] {
        writesCellsLikeThriftBroker ? Self.brokerStyleHandlers : Self.handlers
    }

    /// Processes one frame body; returns the reply frame body, or nil for a `oneway` call.
    public func process(frame: [UInt8], service: any HypertableService) -> [UInt8]? {
        var reader = ThriftBinaryReader(frame, maxDepth: maxDepth)
        let header: ThriftMessageHeader
        do {
            header = try reader.readMessageBegin()
        } catch {
            return Self.exception(.protocolError, "Bad message envelope: \(error)", name: "", sequenceID: 0)
        }
        let isOneway = header.type == .oneway
        guard header.type == .call || isOneway else {
            return Self.exception(.invalidMessageType, "Expected a call, got message type \(header.type)",
                                  name: header.name, sequenceID: header.sequenceID)
        }
        guard let handler = handlerTable[header.name] else {
            _ = try? reader.skip(.struct)
            if isOneway { return nil }
            return Self.exception(.unknownMethod, "Unknown function \(header.name)",
                                  name: header.name, sequenceID: header.sequenceID)
        }

        var writer = ThriftBinaryWriter(capacity: 256)
        writer.writeMessageBegin(name: header.name, type: .reply, sequenceID: header.sequenceID)
        do {
            // The handler writes field 0 only once the service has returned, so on a throw
            // nothing but the envelope is in `writer`.
            try handler.run(&reader, service, &writer)
        } catch let failure as ArgumentDecodingFailure {
            return isOneway ? nil : Self.exception(
                .protocolError, "Bad arguments for \(header.name): \(failure.error)",
                name: header.name, sequenceID: header.sequenceID)
        } catch let exception as ClientException where handler.declaresClientException {
            writer.writeField(1, exception)
        } catch let exception as ThriftApplicationException {
            // A HypertableExtendedService method called on a service without it: word it as
            // for any unknown method, with the name called (an alias, maybe).
            let message = exception.kind == .unknownMethod ? "Unknown function \(header.name)" : exception.message
            return isOneway ? nil : Self.exception(exception.kind, message,
                                                   name: header.name, sequenceID: header.sequenceID)
        } catch {
            return isOneway ? nil : Self.exception(.internalError, "Internal error: \(error)",
                                                   name: header.name, sequenceID: header.sequenceID)
        }
        writer.writeFieldStop()
        return isOneway ? nil : writer.bytes
    }

    /// Serves one connection until the peer closes it: reads a frame, processes it, writes the
    /// reply (the shape of Thrift's `TThreadedServer`, one thread per client). Returns normally
    /// when the peer closes between calls; throws `ThriftError` on any other transport failure
    /// or when no call arrives within `idleTimeoutMilliseconds`.
    public func serve(_ transport: FramedTransport, service: any HypertableService,
                      idleTimeoutMilliseconds: Int = 600_000, writeTimeoutMilliseconds: Int = 30_000) throws {
        while true {
            let frame: [UInt8]
            do {
                frame = try transport.readFrame(deadline: .after(milliseconds: idleTimeoutMilliseconds))
            } catch ThriftError.transport(.connectionClosed, let context) where context == FramedTransport.headerContext {
                return
            }
            if let reply = process(frame: frame, service: service) {
                try transport.writeFrame(reply, deadline: .after(milliseconds: writeTimeoutMilliseconds))
            }
        }
    }

    private static func exception(_ kind: ThriftApplicationException.Kind, _ message: String,
                                  name: String, sequenceID: Int32) -> [UInt8] {
        ThriftApplicationException(kind, message).messageBytes(name: name, sequenceID: sequenceID).bytes
    }
}

/// Wraps a failure to decode a call's arguments, so it is told apart from errors the service
/// throws (which may themselves be `ThriftError`s when a service forwards to another broker).
struct ArgumentDecodingFailure: Error {
    var error: any Error
}

/// One method: decode arguments, call the service, write field 0 of the result.
struct MethodHandler: Sendable {
    /// False for `error_get_text`, whose IDL declares no `throws`.
    var declaresClientException = true
    var run: @Sendable (inout ThriftBinaryReader, any HypertableService, inout ThriftBinaryWriter) throws -> Void

    static func returning<Arguments, Success: ThriftCodable & Sendable>(
        _ decode: @escaping @Sendable (inout ThriftBinaryReader) throws -> Arguments,
        declaresClientException: Bool = true,
        _ perform: @escaping @Sendable (any HypertableService, Arguments) throws -> Success
    ) -> MethodHandler {
        MethodHandler(declaresClientException: declaresClientException) { reader, service, writer in
            let arguments = try decodeArguments(decode, &reader)
            let success = try perform(service, arguments)
            writer.writeField(0, success)
        }
    }

    static func void<Arguments>(
        _ decode: @escaping @Sendable (inout ThriftBinaryReader) throws -> Arguments,
        _ perform: @escaping @Sendable (any HypertableService, Arguments) throws -> Void
    ) -> MethodHandler {
        MethodHandler { reader, service, _ in
            let arguments = try decodeArguments(decode, &reader)
            try perform(service, arguments)
        }
    }

    private static func decodeArguments<Arguments>(
        _ decode: (inout ThriftBinaryReader) throws -> Arguments, _ reader: inout ThriftBinaryReader
    ) throws -> Arguments {
        do {
            return try decode(&reader)
        } catch {
            throw ArgumentDecodingFailure(error: error)
        }
    }
}

extension ThriftBrokerProcessor {
    /// Method name (current and deprecated) -> handler, per Client.thrift / Hql.thrift.
    static let handlers = makeHandlers(brokerStyleCells: false)
    /// The same, writing reply cells as `BrokerReplyCell`s.
    static let brokerStyleHandlers = makeHandlers(brokerStyleCells: true)

    static func makeHandlers(brokerStyleCells: Bool) -> [String: MethodHandler] {
        var table: [String: MethodHandler] = [:]
        func register(_ names: String..., handler: MethodHandler) {
            for name in names { table[name] = handler }
        }
        let name: @Sendable (inout ThriftBinaryReader) throws -> NamespaceNameArguments = {
            try NamespaceNameArguments.read(from: &$0)
        }
        let handle: @Sendable (inout ThriftBinaryReader) throws -> HandleArguments = { try HandleArguments.read(from: &$0) }
        let tableOnly: @Sendable (inout ThriftBinaryReader) throws -> TableArguments = { try TableArguments.read(from: &$0) }
        let withSchema: @Sendable (inout ThriftBinaryReader) throws -> TableValueArguments<Schema> = {
            try TableValueArguments.read(from: &$0, defaultValue: Schema())
        }
        let withScanSpec: @Sendable (inout ThriftBinaryReader) throws -> TableValueArguments<ScanSpec> = {
            try TableValueArguments.read(from: &$0, defaultValue: ScanSpec())
        }
        let row: @Sendable (inout ThriftBinaryReader) throws -> RowArguments = { try RowArguments.read(from: &$0) }
        let hql: @Sendable (inout ThriftBinaryReader) throws -> HQLArguments = { try HQLArguments.read(from: &$0) }

        // Namespaces
        register("namespace_create", "create_namespace", handler: .void(name) { try $0.namespaceCreate($1.name) })
        register("namespace_open", "open_namespace", handler: .returning(name) { try $0.namespaceOpen($1.name) })
        register("namespace_close", "close_namespace", handler: .void(handle) { try $0.namespaceClose($1.id) })
        register("namespace_exists", "exists_namespace",
                 handler: .returning(name) { try $0.namespaceExists($1.name) })
        register("namespace_drop", "drop_namespace", handler: .void({ try NamespaceDropArguments.read(from: &$0) }) {
            try $0.namespaceDrop($1.name, ifExists: $1.ifExists)
        })
        register("namespace_get_listing", "get_listing",
                 handler: .returning(handle) { try $0.namespaceGetListing($1.id) })

        // Tables
        register("table_create", handler: .void(withSchema) {
            try $0.tableCreate($1.namespace, $1.table, schema: $1.value)
        })
        register("table_alter", handler: .void(withSchema) {
            try $0.tableAlter($1.namespace, $1.table, schema: $1.value)
        })
        register("table_exists", "exists_table",
                 handler: .returning(tableOnly) { try $0.tableExists($1.namespace, $1.table) })
        register("table_drop", "drop_table", handler: .void({
            try TableValueArguments.read(from: &$0, defaultValue: true)
        }) { try $0.tableDrop($1.namespace, $1.table, ifExists: $1.value) })
        register("table_rename", "rename_table", handler: .void({
            try TableValueArguments.read(from: &$0, defaultValue: "")
        }) { try $0.tableRename($1.namespace, $1.table, to: $1.value) })
        register("get_tables", handler: .returning(handle) { try $0.getTables($1.id) })
        register("table_get_schema_str", "get_schema_str",
                 handler: .returning(tableOnly) { try $0.getSchemaString($1.namespace, $1.table) })
        register("table_get_schema", "get_schema",
                 handler: .returning(tableOnly) { try $0.getSchema($1.namespace, $1.table) })

        // HQL
        register("hql_query", handler: hqlHandler(brokerStyle: brokerStyleCells, hql) { try $0.hqlQuery($1.namespace, $1.command) })
        register("hql_exec", handler: hqlHandler(brokerStyle: brokerStyleCells, hql) {
            try $0.hqlExec($1.namespace, $1.command, noFlush: $1.noFlush, unbuffered: $1.unbuffered)
        })

        // Reads
        register("get_row", handler: cellsHandler(brokerStyle: brokerStyleCells, row) { try $0.getRow($1.namespace, $1.table, row: $1.row) })
        register("get_cell", handler: .returning(row) {
            ThriftBinary(try $0.getCell($1.namespace, $1.table, row: $1.row, column: $1.column ?? ""))
        })
        register("get_cells", handler: cellsHandler(brokerStyle: brokerStyleCells, withScanSpec) {
            try $0.getCells($1.namespace, $1.table, scanSpec: $1.value)
        })
        register("scanner_open", "open_scanner", handler: .returning(withScanSpec) {
            try $0.scannerOpen($1.namespace, $1.table, scanSpec: $1.value)
        })
        register("next_cells", "scanner_get_cells", handler: cellsHandler(brokerStyle: brokerStyleCells, handle) {
            try $0.scannerNextCells($1.id)
        })
        register("next_row", "scanner_get_row", handler: cellsHandler(brokerStyle: brokerStyleCells, handle) {
            try $0.scannerNextRow($1.id)
        })
        register("scanner_close", "close_scanner", handler: .void(handle) { try $0.scannerClose($1.id) })

        // Writes
        register("set_cell", handler: .void({ try TableValueArguments.read(from: &$0, defaultValue: Cell(key: Key(row: []))) }) {
            try $0.setCell($1.namespace, $1.table, cell: $1.value)
        })
        register("set_cells", handler: .void({ try TableValueArguments<[Cell]>.read(from: &$0, defaultValue: []) }) {
            try $0.setCells($1.namespace, $1.table, cells: $1.value)
        })
        register("mutator_open", "open_mutator", handler: .returning({ try MutatorOpenArguments.read(from: &$0) }) {
            try $0.mutatorOpen($1.namespace, $1.table, flags: $1.flags, flushInterval: $1.flushInterval)
        })
        register("mutator_set_cell", handler: .void({
            try MutatorValueArguments.read(from: &$0, defaultValue: Cell(key: Key(row: [])))
        }) { try $0.mutatorSetCell($1.mutator, cell: $1.value) })
        register("mutator_set_cells", handler: .void({
            try MutatorValueArguments<[Cell]>.read(from: &$0, defaultValue: [])
        }) { try $0.mutatorSetCells($1.mutator, cells: $1.value) })
        register("mutator_flush", "flush_mutator", handler: .void(handle) { try $0.mutatorFlush($1.id) })
        register("mutator_close", "close_mutator", handler: .void(handle) { try $0.mutatorClose($1.id) })

        // Misc
        register("status", handler: .returning({ try NoArguments.read(from: &$0) }) { service, _ in try service.status() })
        register("error_get_text", handler: .returning({ try ErrorCodeArguments.read(from: &$0) },
                                                       declaresClientException: false) {
            try $0.errorGetText($1.code)
        })
        registerVariantHandlers(into: &table)
        return table
    }

    /// A handler answering `[Cell]`, written as the processor's style says.
    private static func cellsHandler<Arguments>(
        brokerStyle: Bool, _ decode: @escaping @Sendable (inout ThriftBinaryReader) throws -> Arguments,
        _ perform: @escaping @Sendable (any HypertableService, Arguments) throws -> [Cell]
    ) -> MethodHandler {
        guard brokerStyle else { return .returning(decode, perform) }
        return .returning(decode) { try perform($0, $1).map(BrokerReplyCell.init) }
    }

    /// A handler answering an `HqlResult`, its cells written as the processor's style says.
    private static func hqlHandler<Arguments>(
        brokerStyle: Bool, _ decode: @escaping @Sendable (inout ThriftBinaryReader) throws -> Arguments,
        _ perform: @escaping @Sendable (any HypertableService, Arguments) throws -> HQLResult
    ) -> MethodHandler {
        guard brokerStyle else { return .returning(decode, perform) }
        return .returning(decode) { BrokerReplyHQLResult(try perform($0, $1)) }
    }
}

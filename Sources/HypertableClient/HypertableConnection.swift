import Sockets
import Synchronization
import Thrift

/// One Thrift connection to a ThriftBroker (framed transport, strict binary protocol), with
/// every `HypertableService` method as a typed call.
///
/// Used by one borrower at a time (a pool hands it out); calls are serialised by a lock, so a
/// misuse from two threads is slow, not corrupting. Each call has a deadline of `timeout`
/// milliseconds (`HYPERTABLE_TIMEOUT_MSECS`).
///
/// Errors:
/// - `ClientException`: the broker refused the call; the connection stays usable.
/// - `BrokerCallError.applicationException` (the broker could not process the call, e.g. an
///   unknown method) and `.requestTooLarge` (refused before sending): the connection stays usable.
/// - any other `BrokerCallError` (transport failure, timeout, a reply too large, malformed or
///   mismatched): the stream can no longer be trusted; the socket is closed and `isBroken`
///   becomes true. Every later call throws `BrokerCallError.connectionUnusable`.
public final class HypertableConnection: HypertableService, IdleLivenessChecking, @unchecked Sendable {
    // `transport`, `nextSequenceID`, `pending` and `spareCallBytes` are touched only with
    // `callLock` held; `broken` is atomic so that a pool can read it without waiting for a
    // call to finish.
    private let transport: FramedTransport
    private let callLock = Mutex()
    private var nextSequenceID: Int32 = 0
    /// A call `send` sent whose reply `receive` has not read yet.
    private var pending: (method: String, sequenceID: Int32)?
    private let broken = Atomic<Bool>(false)
    /// The last call's frame, sent: its memory is the next call's (calls are small and alike,
    /// so one buffer serves them all instead of one allocated and freed per call).
    private var spareCallBytes: [UInt8] = []
    /// A frame larger than this is not kept for the next call.
    private static let spareCallCapacity = 64 * 1024

    /// Milliseconds allowed for each call (write plus reply); 0 or less means no deadline.
    public let timeoutMilliseconds: Int
    public var maxFrameSize: Int { transport.maxFrameSize }

    /// True after a transport or protocol failure, or `close()`; never reuse it then.
    public var isBroken: Bool { broken.load(ordering: .acquiring) }

    /// Between calls the broker sends nothing, so a readable socket means it closed or reset
    /// the connection (or the stream is out of step). Only meaningful while idle.
    public var isDeadWhileIdle: Bool { isBroken || transport.socket.idleConnectionIsBroken() }

    /// Connects to a ThriftBroker. `timeout` (milliseconds, `HYPERTABLE_TIMEOUT_MSECS`) bounds
    /// the connect and, later, each call (0 or less: no deadline); `maxFrameSize` bounds the
    /// replies accepted (and calls sent).
    public static func connect(host: String, port: Int, timeout: Int,
                               maxFrameSize: Int = FramedTransport.defaultMaxFrameSize) throws -> HypertableConnection {
        let socket: Socket
        do {
            let deadline = timeout > 0 ? Deadline.after(milliseconds: timeout) : .distantFuture
            socket = try Socket.connect(host: host, port: port, deadline: deadline)
            // Each call writes and then waits for its reply: waiting inside recv saves a failed
            // read and a poll per call.
            if timeout > 0 { try socket.useKernelTimeouts(milliseconds: timeout) }
        } catch {
            throw BrokerCallError.wrapping(error, context: "connecting to \(host):\(port)")
        }
        return HypertableConnection(transport: FramedTransport(socket: socket, maxFrameSize: maxFrameSize),
                                    timeoutMilliseconds: timeout)
    }

    /// Wraps an already connected transport.
    public init(transport: FramedTransport, timeoutMilliseconds: Int) {
        self.transport = transport
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    deinit {
        transport.close()
    }

    /// Closes the socket; the connection is unusable afterwards. Idempotent.
    public func close() {
        broken.store(true, ordering: .releasing)
        transport.socket.shutdown()
        callLock.withLock { transport.close() }
    }

    // MARK: the call machinery

    /// Sends call `method` with the argument struct that `arguments` writes (fields and stop),
    /// waits for the reply, checks its name and sequence id, and hands the result struct to
    /// `result`. For methods outside `HypertableService`, and for tests.
    public func call<Result>(
        _ method: String,
        arguments: (inout ThriftBinaryWriter) -> Void,
        result: (inout ThriftBinaryReader) throws -> Result
    ) throws -> Result {
        try callLock.withLock {
            try dropPendingReply()
            let deadline = callDeadline()
            let sequenceID = try writeCall(method, arguments: arguments, deadline: deadline)
            return try readReply(method, sequenceID: sequenceID, deadline: deadline, result: result)
        }
    }

    /// Sends call `method` without waiting for its reply, which `receive` reads later: the
    /// broker works on it in the meantime (a scan's next batch while the gateway writes the
    /// current one to its client). One at a time; a call made before `receive` first reads the
    /// pending reply and drops it, so the stream stays in step whatever the caller does.
    public func send(_ method: String, arguments: (inout ThriftBinaryWriter) -> Void) throws {
        try callLock.withLock {
            try dropPendingReply()
            pending = (method, try writeCall(method, arguments: arguments, deadline: callDeadline()))
        }
    }

    /// Reads the reply to the call `send` sent (named `method`). Its deadline starts now, not
    /// at `send`: the caller's own work in between is not the broker's time.
    public func receive<Result>(_ method: String, result: (inout ThriftBinaryReader) throws -> Result) throws -> Result {
        try callLock.withLock {
            guard let sent = pending, sent.method == method else {
                throw BrokerCallError.connectionUnusable(context: "\(method): no call sent whose reply to read")
            }
            pending = nil
            return try readReply(method, sequenceID: sent.sequenceID, deadline: callDeadline(), result: result)
        }
    }

    /// Whether a call was sent and its reply not yet read.
    public var hasPendingReply: Bool { callLock.withLock { pending != nil } }

    private func callDeadline() -> Deadline {
        timeoutMilliseconds > 0 ? Deadline.after(milliseconds: timeoutMilliseconds) : .distantFuture
    }

    /// Reads and drops the reply to a call sent ahead (the caller lock held). An error the broker
    /// answered leaves the stream in step and is dropped too; a broken stream is thrown.
    private func dropPendingReply() throws {
        guard let sent = pending else { return }
        pending = nil
        if broken.load(ordering: .acquiring) { return }
        do {
            try readReply(sent.method, sequenceID: sent.sequenceID, deadline: callDeadline()) { _ in }
        } catch {
            if broken.load(ordering: .acquiring) { throw error }
        }
    }

    /// Writes one call message (the caller lock held); returns its sequence id.
    private func writeCall(_ method: String, arguments: (inout ThriftBinaryWriter) -> Void,
                           deadline: Deadline) throws -> Int32 {
        if broken.load(ordering: .acquiring) { throw BrokerCallError.connectionUnusable(context: "\(method): broken or closed before the call") }
        let sequenceID = nextSequenceID
        nextSequenceID = nextSequenceID &+ 1
        var spare: [UInt8] = []
        swap(&spare, &spareCallBytes)
        var writer = ThriftBinaryWriter(reusing: spare, minimumCapacity: 128, reservingFrameHeader: true)
        writer.writeMessageBegin(name: method, type: .call, sequenceID: sequenceID)
        arguments(&writer)
        // Too large to send: refused before any byte leaves, so the stream is intact.
        guard writer.bodyCount <= transport.maxFrameSize, writer.bodyCount <= Int(Int32.max) else {
            throw BrokerCallError.requestTooLarge(context: method, length: writer.bodyCount,
                                                  limit: transport.maxFrameSize)
        }
        // The frame is taken out of the writer before the closure: a writer captured there is
        // shared, and setting the frame's length would copy its bytes.
        let frame = writer.takeFramedBytes()
        try wrappingFailures(of: method) { try transport.writeFramed(frame, deadline: deadline) }
        if frame.capacity <= Self.spareCallCapacity { spareCallBytes = frame }
        return sequenceID
    }

    /// Reads the reply to call `sequenceID` (the caller lock held): checks its name and
    /// sequence id and hands the result struct to `result`.
    @discardableResult
    private func readReply<Result>(_ method: String, sequenceID: Int32, deadline: Deadline,
                                   result: (inout ThriftBinaryReader) throws -> Result) throws -> Result {
        try wrappingFailures(of: method) {
            let frame = try transport.readFrameInPlace(deadline: deadline)
            var reader = ThriftBinaryReader(frame.bytes, range: frame.range)
            let header = try reader.readMessageBegin(expecting: method)
            guard header.name == method else {
                throw ThriftError.unexpectedReply("sent \(method), reply names \(header.name)")
            }
            guard header.sequenceID == sequenceID else {
                throw ThriftError.unexpectedReply("\(method): sequence id \(header.sequenceID), expected \(sequenceID)")
            }
            switch header.type {
            case .reply:
                return try result(&reader)
            case .exception:
                throw try ThriftApplicationException.read(from: &reader)
            case .call, .oneway:
                throw ThriftError.unexpectedReply("\(method): message type \(header.type) in a reply")
            }
        }
    }

    /// Transport and protocol failures break the connection; an application exception, read
    /// whole, leaves the stream in step. Both become `BrokerCallError`s naming the call.
    private func wrappingFailures<Result>(of method: String, _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as ThriftError {
            markBroken()
            throw BrokerCallError.wrapping(error, context: method)
        } catch let error as SocketError {
            markBroken()
            throw BrokerCallError.wrapping(error, context: method)
        } catch let error as ThriftApplicationException {
            throw BrokerCallError.wrapping(error, context: method)
        }
    }

    private func markBroken() {
        broken.store(true, ordering: .releasing)
        transport.close()
    }

    /// Reads `<method>_result`: field 0 success, field 1 `ClientException e`.
    private static func readResult<T: ThriftCodable>(
        _: T.Type, method: String, from reader: inout ThriftBinaryReader
    ) throws -> T {
        var success: T?
        var exception: ClientException?
        try reader.readStruct { reader, field in
            switch field.id {
            case 0: success = try reader.read(T.self, for: field, in: "\(method)_result")
            case 1: exception = try reader.read(ClientException.self, for: field, in: "\(method)_result")
            default: return false
            }
            return true
        }
        if let exception { throw exception }
        guard let success else {
            throw ThriftApplicationException(.missingResult, "\(method) failed: unknown result")
        }
        return success
    }

    /// Reads a void method's result: empty, or field 1 `ClientException e`.
    private static func readVoidResult(method: String, from reader: inout ThriftBinaryReader) throws {
        var exception: ClientException?
        try reader.readStruct { reader, field in
            guard field.id == 1 else { return false }
            exception = try reader.read(ClientException.self, for: field, in: "\(method)_result")
            return true
        }
        if let exception { throw exception }
    }

    private func invoke<T: ThriftCodable>(_ method: String, returning: T.Type,
                                          _ arguments: (inout ThriftBinaryWriter) -> Void) throws -> T {
        try call(method, arguments: arguments) { reader in
            try Self.readResult(T.self, method: method, from: &reader)
        }
    }

    private func invokeVoid(_ method: String, _ arguments: (inout ThriftBinaryWriter) -> Void) throws {
        try call(method, arguments: arguments) { reader in
            try Self.readVoidResult(method: method, from: &reader)
        }
    }

    // MARK: namespaces

    public func namespaceCreate(_ name: String) throws {
        try invokeVoid("namespace_create") { NamespaceNameArguments(name: name).write(to: &$0) }
    }

    public func namespaceOpen(_ name: String) throws -> Int64 {
        try invoke("namespace_open", returning: Int64.self) { NamespaceNameArguments(name: name).write(to: &$0) }
    }

    public func namespaceClose(_ namespace: Int64) throws {
        try invokeVoid("namespace_close") { HandleArguments(id: namespace).write(to: &$0) }
    }

    public func namespaceExists(_ name: String) throws -> Bool {
        try invoke("namespace_exists", returning: Bool.self) { NamespaceNameArguments(name: name).write(to: &$0) }
    }

    public func namespaceDrop(_ name: String, ifExists: Bool) throws {
        try invokeVoid("namespace_drop") { NamespaceDropArguments(name: name, ifExists: ifExists).write(to: &$0) }
    }

    public func namespaceGetListing(_ namespace: Int64) throws -> [NamespaceListing] {
        try invoke("namespace_get_listing", returning: [NamespaceListing].self) {
            HandleArguments(id: namespace).write(to: &$0)
        }
    }

    // MARK: tables

    public func tableCreate(_ namespace: Int64, _ table: String, schema: Schema) throws {
        try invokeVoid("table_create") {
            TableValueArguments(namespace: namespace, table: table, value: schema).write(to: &$0)
        }
    }

    public func tableAlter(_ namespace: Int64, _ table: String, schema: Schema) throws {
        try invokeVoid("table_alter") {
            TableValueArguments(namespace: namespace, table: table, value: schema).write(to: &$0)
        }
    }

    public func tableExists(_ namespace: Int64, _ table: String) throws -> Bool {
        try invoke("table_exists", returning: Bool.self) {
            TableArguments(namespace: namespace, table: table).write(to: &$0)
        }
    }

    public func tableDrop(_ namespace: Int64, _ table: String, ifExists: Bool) throws {
        try invokeVoid("table_drop") {
            TableValueArguments(namespace: namespace, table: table, value: ifExists).write(to: &$0)
        }
    }

    public func tableRename(_ namespace: Int64, _ table: String, to newName: String) throws {
        try invokeVoid("table_rename") {
            TableValueArguments(namespace: namespace, table: table, value: newName).write(to: &$0)
        }
    }

    public func getTables(_ namespace: Int64) throws -> [String] {
        try invoke("get_tables", returning: [String].self) { HandleArguments(id: namespace).write(to: &$0) }
    }

    public func getSchemaString(_ namespace: Int64, _ table: String) throws -> String {
        try invoke("table_get_schema_str", returning: String.self) {
            TableArguments(namespace: namespace, table: table).write(to: &$0)
        }
    }

    public func getSchema(_ namespace: Int64, _ table: String) throws -> Schema {
        try invoke("table_get_schema", returning: Schema.self) {
            TableArguments(namespace: namespace, table: table).write(to: &$0)
        }
    }

    public func tableGetSplits(_ namespace: Int64, _ table: String) throws -> [TableSplit] {
        try invoke("table_get_splits", returning: [TableSplit].self) {
            TableArguments(namespace: namespace, table: table).write(to: &$0)
        }
    }

    // MARK: HQL

    public func hqlQuery(_ namespace: Int64, _ command: String) throws -> HQLResult {
        try invoke("hql_query", returning: HQLResult.self) {
            HQLArguments(namespace: namespace, command: command, isQuery: true).write(to: &$0)
        }
    }

    public func hqlQuerySpans(_ namespace: Int64, _ command: String) throws -> HQLSpanResult {
        try invoke("hql_query", returning: HQLSpanResult.self) {
            HQLArguments(namespace: namespace, command: command, isQuery: true).write(to: &$0)
        }
    }

    public func hqlExec(_ namespace: Int64, _ command: String, noFlush: Bool, unbuffered: Bool) throws -> HQLResult {
        try invoke("hql_exec", returning: HQLResult.self) {
            HQLArguments(namespace: namespace, command: command, noFlush: noFlush, unbuffered: unbuffered)
                .write(to: &$0)
        }
    }

    // MARK: reads

    public func getRow(_ namespace: Int64, _ table: String, row: Bytes) throws -> [Cell] {
        try invoke("get_row", returning: [Cell].self) {
            RowArguments(namespace: namespace, table: table, row: row, column: nil).write(to: &$0)
        }
    }

    public func getCell(_ namespace: Int64, _ table: String, row: Bytes, column: String) throws -> Bytes {
        try invoke("get_cell", returning: ThriftBinary.self) {
            RowArguments(namespace: namespace, table: table, row: row, column: column).write(to: &$0)
        }.bytes
    }

    public func getCells(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> [Cell] {
        try invoke("get_cells", returning: [Cell].self) {
            TableValueArguments(namespace: namespace, table: table, value: scanSpec).write(to: &$0)
        }
    }

    public func scannerOpen(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> Int64 {
        try invoke("scanner_open", returning: Int64.self) {
            TableValueArguments(namespace: namespace, table: table, value: scanSpec).write(to: &$0)
        }
    }

    public func scannerNextCells(_ scanner: Int64) throws -> [Cell] {
        try invoke("next_cells", returning: [Cell].self) { HandleArguments(id: scanner).write(to: &$0) }
    }

    public func scannerNextCellSpans(_ scanner: Int64) throws -> CellSpans {
        try invoke("next_cells", returning: CellSpans.self) { HandleArguments(id: scanner).write(to: &$0) }
    }

    public func scannerRequestNextCells(_ scanner: Int64) throws {
        try send("next_cells") { HandleArguments(id: scanner).write(to: &$0) }
    }

    public func scannerAwaitNextCells(_ scanner: Int64) throws -> CellSpans {
        try receive("next_cells") { reader in try Self.readResult(CellSpans.self, method: "next_cells", from: &reader) }
    }

    public func scannerNextRow(_ scanner: Int64) throws -> [Cell] {
        try invoke("next_row", returning: [Cell].self) { HandleArguments(id: scanner).write(to: &$0) }
    }

    public func scannerClose(_ scanner: Int64) throws {
        try invokeVoid("scanner_close") { HandleArguments(id: scanner).write(to: &$0) }
    }

    // MARK: writes

    public func setCell(_ namespace: Int64, _ table: String, cell: Cell) throws {
        try invokeVoid("set_cell") {
            TableValueArguments(namespace: namespace, table: table, value: cell).write(to: &$0)
        }
    }

    public func setCells(_ namespace: Int64, _ table: String, cells: [Cell]) throws {
        try invokeVoid("set_cells") {
            TableValueArguments(namespace: namespace, table: table, value: cells).write(to: &$0)
        }
    }

    public func mutatorOpen(_ namespace: Int64, _ table: String, flags: Int32, flushInterval: Int32) throws -> Int64 {
        try invoke("mutator_open", returning: Int64.self) {
            MutatorOpenArguments(namespace: namespace, table: table, flags: flags, flushInterval: flushInterval)
                .write(to: &$0)
        }
    }

    public func mutatorSetCell(_ mutator: Int64, cell: Cell) throws {
        try invokeVoid("mutator_set_cell") { MutatorValueArguments(mutator: mutator, value: cell).write(to: &$0) }
    }

    public func mutatorSetCells(_ mutator: Int64, cells: [Cell]) throws {
        try invokeVoid("mutator_set_cells") { MutatorValueArguments(mutator: mutator, value: cells).write(to: &$0) }
    }

    public func mutatorRequestSetCells(_ mutator: Int64, cells: [Cell]) throws {
        try send("mutator_set_cells") { MutatorValueArguments(mutator: mutator, value: cells).write(to: &$0) }
    }

    public func mutatorAwaitSetCells(_ mutator: Int64) throws {
        try receive("mutator_set_cells") { reader in try Self.readVoidResult(method: "mutator_set_cells", from: &reader) }
    }

    public func mutatorFlush(_ mutator: Int64) throws {
        try invokeVoid("mutator_flush") { HandleArguments(id: mutator).write(to: &$0) }
    }

    public func mutatorClose(_ mutator: Int64) throws {
        try invokeVoid("mutator_close") { HandleArguments(id: mutator).write(to: &$0) }
    }

    public func createCellUnique(_ namespace: Int64, _ table: String, key: Key, value: String) throws -> String {
        try invoke("create_cell_unique", returning: String.self) {
            CreateCellUniqueArguments(namespace: namespace, table: table, key: key, value: value).write(to: &$0)
        }
    }

    // MARK: misc

    public func status() throws -> BrokerStatus {
        try invoke("status", returning: BrokerStatus.self) { NoArguments().write(to: &$0) }
    }

    public func errorGetText(_ code: Int32) throws -> String {
        try invoke("error_get_text", returning: String.self) { ErrorCodeArguments(code: code).write(to: &$0) }
    }
}

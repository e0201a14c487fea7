/// The ThriftBroker's methods (`service HqlService extends ClientService`), as typed Swift calls.
///
/// Three things speak this interface:
/// - `HypertableConnection`, which sends each call over Thrift to a real broker;
/// - the embedded broker's per-client session, which answers from memory;
/// - test fakes.
/// `ThriftBrokerProcessor` (target `ThriftBrokerServer`) turns Thrift calls from the wire into
/// calls on any conformer, so the embedded broker and the client share one codec.
///
/// Ids (`Namespace`, `Scanner`, `Mutator`) are i64 handles valid only on the connection (the
/// broker's per-client handler) that made them. Every method throws `ClientException` for a
/// broker-side error; a client connection also throws `BrokerCallError` when the transport or
/// the protocol fails (after which, unless the error says it `leavesConnectionUsable`, the
/// connection must not be reused).
public protocol HypertableService: AnyObject {
    // Namespaces
    func namespaceCreate(_ name: String) throws
    func namespaceOpen(_ name: String) throws -> Int64
    func namespaceClose(_ namespace: Int64) throws
    func namespaceExists(_ name: String) throws -> Bool
    /// `namespace_drop(1: ns, 2: if_exists = true)`.
    func namespaceDrop(_ name: String, ifExists: Bool) throws
    func namespaceGetListing(_ namespace: Int64) throws -> [NamespaceListing]

    // Tables
    func tableCreate(_ namespace: Int64, _ table: String, schema: Schema) throws
    func tableAlter(_ namespace: Int64, _ table: String, schema: Schema) throws
    func tableExists(_ namespace: Int64, _ table: String) throws -> Bool
    func tableDrop(_ namespace: Int64, _ table: String, ifExists: Bool) throws
    func tableRename(_ namespace: Int64, _ table: String, to newName: String) throws
    func getTables(_ namespace: Int64) throws -> [String]
    func getSchemaString(_ namespace: Int64, _ table: String) throws -> String
    func getSchema(_ namespace: Int64, _ table: String) throws -> Schema
    /// `table_get_splits(ns, table_name)`: the table's ranges, in row order.
    func tableGetSplits(_ namespace: Int64, _ table: String) throws -> [TableSplit]

    // HQL
    /// `hql_query(ns, cmd)`: `hql_exec` buffered; every result cell in one reply.
    func hqlQuery(_ namespace: Int64, _ command: String) throws -> HQLResult
    /// `hql_query` with the reply's cells left in place (`CellSpans`), for a caller that only
    /// writes them out. Conformers that hold cells already answer `HQLSpanResult(hqlQuery(...))`
    /// (the default).
    func hqlQuerySpans(_ namespace: Int64, _ command: String) throws -> HQLSpanResult
    /// `hql_exec(ns, cmd, noflush, unbuffered)`: with `unbuffered`, a SELECT answers a scanner
    /// id in `HQLResult.scanner` to be read with `nextCells` and closed with `scannerClose`.
    func hqlExec(_ namespace: Int64, _ command: String, noFlush: Bool, unbuffered: Bool) throws -> HQLResult

    // Reads
    func getRow(_ namespace: Int64, _ table: String, row: Bytes) throws -> [Cell]
    /// `get_cell(ns, table, row, column)`: column is `family` or `family:qualifier`.
    func getCell(_ namespace: Int64, _ table: String, row: Bytes, column: String) throws -> Bytes
    func getCells(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> [Cell]
    func scannerOpen(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> Int64
    /// An empty list means the scanner is exhausted (IDL `next_cells`).
    func scannerNextCells(_ scanner: Int64) throws -> [Cell]
    /// `next_cells` with the batch left in place (`CellSpans`), for a caller that only writes
    /// it out; empty when the scanner is exhausted. The default wraps `scannerNextCells`.
    func scannerNextCellSpans(_ scanner: Int64) throws -> CellSpans
    /// `next_cells` asked for ahead: this sends the call and `scannerAwaitNextCells` reads its
    /// batch, so the broker reads the next batch while the caller writes out the current one.
    /// Services that answer in process do nothing here (the default) and the whole call there.
    func scannerRequestNextCells(_ scanner: Int64) throws
    /// The batch `scannerRequestNextCells` asked for (the default: a `next_cells` call now).
    func scannerAwaitNextCells(_ scanner: Int64) throws -> CellSpans
    func scannerNextRow(_ scanner: Int64) throws -> [Cell]
    func scannerClose(_ scanner: Int64) throws

    // Writes
    func setCell(_ namespace: Int64, _ table: String, cell: Cell) throws
    func setCells(_ namespace: Int64, _ table: String, cells: [Cell]) throws
    func mutatorOpen(_ namespace: Int64, _ table: String, flags: Int32, flushInterval: Int32) throws -> Int64
    func mutatorSetCell(_ mutator: Int64, cell: Cell) throws
    func mutatorSetCells(_ mutator: Int64, cells: [Cell]) throws
    /// `mutator_set_cells` sent ahead: this sends the call and `mutatorAwaitSetCells` reads
    /// its answer (and throws its error), so the caller reads its next batch meanwhile.
    /// Services that answer in process make the whole call here (the default).
    func mutatorRequestSetCells(_ mutator: Int64, cells: [Cell]) throws
    func mutatorAwaitSetCells(_ mutator: Int64) throws
    func mutatorFlush(_ mutator: Int64) throws
    func mutatorClose(_ mutator: Int64) throws
    /// `create_cell_unique(ns, table_name, key, value)`: writes `value` (a new GUID when
    /// empty) into a TIME_ORDER DESC family and answers it; ALREADY_EXISTS when the cell's
    /// oldest version holds another value (the written version stays, as in Hypertable).
    func createCellUnique(_ namespace: Int64, _ table: String, key: Key, value: String) throws -> String

    // Misc
    func status() throws -> BrokerStatus
    func errorGetText(_ code: Int32) throws -> String
}

extension HypertableService {
    public func hqlQuerySpans(_ namespace: Int64, _ command: String) throws -> HQLSpanResult {
        HQLSpanResult(try hqlQuery(namespace, command))
    }

    public func scannerNextCellSpans(_ scanner: Int64) throws -> CellSpans {
        CellSpans(try scannerNextCells(scanner))
    }

    public func scannerRequestNextCells(_ scanner: Int64) throws {}

    public func mutatorRequestSetCells(_ mutator: Int64, cells: [Cell]) throws {
        try mutatorSetCells(mutator, cells: cells)
    }

    public func mutatorAwaitSetCells(_ mutator: Int64) throws {}

    public func scannerAwaitNextCells(_ scanner: Int64) throws -> CellSpans {
        try scannerNextCellSpans(scanner)
    }
}

/// A connection that can tell, without a round trip, that it is dead while idle (the broker
/// restarted or a firewall dropped it). The pool asks before lending an idle connection, so a
/// request never pays for finding out.
public protocol IdleLivenessChecking: AnyObject {
    var isDeadWhileIdle: Bool { get }
}

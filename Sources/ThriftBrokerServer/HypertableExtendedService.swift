import HypertableClient
/// The rest of the ThriftBroker's methods: futures with async scanners and mutators, shared
/// mutators, serialized scanner batches, and table metadata. `ThriftBrokerProcessor` serves
/// them for a service that conforms (the embedded broker's session) and answers
/// UNKNOWN_METHOD for one that does not (a client connection forwarding to a broker, test
/// fakes), so the gateway's narrower `HypertableService` stays as it is.
///
/// Methods whose only difference is the encoding (`*_as_arrays`, `get_cells_serialized`,
/// `set_cells_serialized`, `hql_exec2`, ...) need nothing here: the processor converts the
/// cells of the `HypertableService` call.
public protocol HypertableExtendedService: HypertableService {
    // Tables
    /// `refresh_table(ns, table_name)`: drops cached table information.
    func refreshTable(_ namespace: Int64, _ table: String) throws
    /// `table_get_id(ns, table_name)`: the table's id path ("2/0").
    func tableGetID(_ namespace: Int64, _ table: String) throws -> String
    /// `table_get_schema_str_with_ids(ns, table_name)`: the schema XML with generations and ids.
    func getSchemaStringWithIDs(_ namespace: Int64, _ table: String) throws -> String

    // Scanners
    /// `next_cells_serialized(scanner)`: a batch cut at `ThriftBroker.NextThreshold`, ended
    /// by EOB, or by EOB|EOS when the scan ended within it.
    func scannerNextCellsSerialized(_ scanner: Int64) throws -> Bytes
    /// `next_row_serialized(scanner)`: one row's cells, ended as `scannerNextCellsSerialized`.
    func scannerNextRowSerialized(_ scanner: Int64) throws -> Bytes

    // Shared mutators
    /// `shared_mutator_refresh(ns, table_name, mutate_spec)`: replaces the shared mutator
    /// (its buffered cells are flushed first, as a destroyed `TableMutator` flushes).
    func sharedMutatorRefresh(_ namespace: Int64, _ table: String, spec: MutateSpec) throws
    /// `shared_mutator_set_cells(ns, table_name, mutate_spec, cells)` (`offer_cells`): buffers
    /// cells in the broker-wide mutator for (namespace, table, spec); they are written at its
    /// next periodic flush (`MutateSpec.flush_interval` milliseconds).
    func sharedMutatorSetCells(_ namespace: Int64, _ table: String, spec: MutateSpec, cells: [Cell]) throws

    // Futures
    /// `future_open(capacity)`: capacity <= 0 means `ThriftBroker.Future.Capacity`.
    func futureOpen(capacity: Int32) throws -> Int64
    func futureCancel(_ future: Int64) throws
    /// `future_get_result(ff, timeout_millis)`: the next queued result; waits while results
    /// are outstanding (forever for timeout 0, else REQUEST_TIMEOUT after the timeout);
    /// `FutureResult.empty` when nothing is outstanding or the future is cancelled.
    func futureGetResult(_ future: Int64, timeoutMilliseconds: Int32) throws -> FutureResult<[Cell]>
    func futureIsEmpty(_ future: Int64) throws -> Bool
    func futureIsFull(_ future: Int64) throws -> Bool
    func futureIsCancelled(_ future: Int64) throws -> Bool
    func futureHasOutstanding(_ future: Int64) throws -> Bool
    func futureClose(_ future: Int64) throws

    // Async scanners
    func asyncScannerOpen(_ namespace: Int64, _ table: String, future: Int64, scanSpec: ScanSpec) throws -> Int64
    func asyncScannerCancel(_ scanner: Int64) throws
    func asyncScannerClose(_ scanner: Int64) throws

    // Async mutators
    func asyncMutatorOpen(_ namespace: Int64, _ table: String, future: Int64, flags: Int32) throws -> Int64
    func asyncMutatorSetCells(_ mutator: Int64, cells: [Cell]) throws
    func asyncMutatorFlush(_ mutator: Int64) throws
    func asyncMutatorCancel(_ mutator: Int64) throws
    func asyncMutatorClose(_ mutator: Int64) throws

    // Misc
    /// `generate_guid()`: a random UUID, 36 characters, lower-case hex.
    func generateGUID() throws -> String
    /// `shutdown()`.
    func shutdown() throws
}

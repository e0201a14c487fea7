#if canImport(Glibc)
import ThriftBrokerServer
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HypertableClient

// The embedded broker's answers to the ThriftBroker calls beyond `HypertableService`
// (futures and async scanners/mutators are in EmulatorFutures.swift).
extension EmulatorSession: HypertableExtendedService {
    /// The one range server every emulated range lives on: its proxy name, and the address
    /// `Namespace::get_table_splits` takes from the proxy map (`format_ipaddress`: no port).
    public static let rangeServerLocation = "rs1"
    public static let rangeServerAddress = "127.0.0.1"

    // MARK: tables

    /// Nothing is cached per client here; the table must exist (`Namespace::refresh_table`).
    public func refreshTable(_ namespace: Int64, _ table: String) throws {
        _ = try broker.schema(try namespacePath(namespace), table)
    }

    public func tableGetID(_ namespace: Int64, _ table: String) throws -> String {
        try broker.withTable(try namespacePath(namespace), table) { (_, t) throws(ClientException) in t.id }
    }

    public func getSchemaStringWithIDs(_ namespace: Int64, _ table: String) throws -> String {
        try broker.schema(try namespacePath(namespace), table).xml(withIDs: true)
    }

    /// One range covers every table: its StartRow in METADATA is empty, so `start_row` is
    /// set to ""; its end is END_ROW_MARKER, which `convert_table_split` leaves unset.
    public func tableGetSplits(_ namespace: Int64, _ table: String) throws -> [TableSplit] {
        _ = try broker.schema(try namespacePath(namespace), table)
        return [TableSplit(startRow: [], endRow: nil, location: Self.rangeServerLocation,
                           ipAddress: Self.rangeServerAddress, hostname: Self.hostname())]
    }

    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: serialized scanner batches

    public func scannerNextCellsSerialized(_ scanner: Int64) throws -> Bytes {
        try serializedFromScanner(scanner, oneRow: false)
    }

    public func scannerNextRowSerialized(_ scanner: Int64) throws -> Bytes {
        try serializedFromScanner(scanner, oneRow: true)
    }

    private func serializedFromScanner(_ scanner: Int64, oneRow: Bool) throws(ClientException) -> Bytes {
        try locked { (s) throws(ClientException) in
            guard var cursor = s.scanners.removeValue(forKey: scanner) else { throw Self.badScanner(scanner) }
            defer { s.scanners[scanner] = cursor }
            return try broker.serializedBatch(&cursor, oneRow: oneRow)
        }
    }

    // MARK: shared mutators

    public func sharedMutatorRefresh(_ namespace: Int64, _ table: String, spec: MutateSpec) throws {
        try broker.refreshSharedMutator(try sharedMutatorKey(namespace, table, spec))
    }

    public func sharedMutatorSetCells(_ namespace: Int64, _ table: String, spec: MutateSpec, cells: [Cell]) throws {
        try broker.offerToSharedMutator(try sharedMutatorKey(namespace, table, spec), cells: cells)
    }

    private func sharedMutatorKey(_ namespace: Int64, _ table: String, _ spec: MutateSpec) throws(ClientException) -> SharedMutatorKey {
        SharedMutatorKey(namespace: try namespacePath(namespace), table: table, appName: spec.appName,
                         flushInterval: spec.flushInterval, flags: spec.flags)
    }

    // MARK: misc

    /// A version 4 UUID in `boost::uuids::to_string`'s form (lower-case, 8-4-4-4-12), as
    /// `HyperAppHelper::generate_guid` makes.
    public func generateGUID() throws -> String {
        Self.makeGUID()
    }

    static func makeGUID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0f | 0x40
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = bytes.map { byte -> String in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    /// `HyperAppHelper::create_cell_unique`: the family must exist (FAILED_EXPECTATION) and
    /// be TIME_ORDER DESC (BAD_SCAN_SPEC); the value (a new GUID when empty) is written, then
    /// the row's first cell of that family (the oldest, with TIME_ORDER DESC) is read back:
    /// another value means another writer came first, ALREADY_EXISTS. As in Hypertable the
    /// written cell stays either way.
    public func createCellUnique(_ namespace: Int64, _ table: String, key: Key, value: String) throws -> String {
        let path = try namespacePath(namespace)
        let schema = try broker.schema(path, table)
        guard let family = schema.family(named: key.columnFamily) else {
            throw ClientException(.failedExpectation, "Unknown column family")
        }
        guard family.options.timeOrderDesc == true else {
            throw ClientException(.badScanSpec, "Column family is not chronological (use TIME_ORDER DESC)")
        }
        let unique = value.isEmpty ? Self.makeGUID() : value
        var written = key
        written.flag = .insert
        try broker.write(path, table, cells: [Cell(key: written, value: Bytes(unique.utf8))])
        var spec = ScanSpec()
        spec.rowIntervals = [RowInterval(startRow: key.row, endRow: key.row)]
        spec.columns = [key.columnFamily]
        spec.cellLimit = 1
        var cursor = try scan(path, table, spec)
        guard let first = broker.drain(&cursor).first else {
            throw ClientException(.failedExpectation, "Inserted GUID was not found")
        }
        guard first.value ?? [] == Bytes(unique.utf8) else {
            throw ClientException(.alreadyExists, "The inserted cell already exists and is not unique")
        }
        return unique
    }

    /// ThriftBroker's `shutdown` kills its own process; the emulator serves other clients
    /// (and may be embedded in a test or gateway process), so it refuses instead.
    public func shutdown() throws {
        throw ClientException(.notAllowed, "shutdown is not served: the emulated broker is shared by every client; stop its process instead")
    }
}

/// The ThriftBroker's data types, as declared in Hypertable 0.9.8.11's `Client.thrift` and
/// `Hql.thrift`. Field comments give the IDL field id. Rows, qualifiers and values are bytes
/// (`[UInt8]`): the IDL's `string` and `binary` are the same bytes on the wire, and Hypertable
/// keys may hold any byte.

public typealias Bytes = [UInt8]

/// `enum KeyFlag` (Client.thrift).
public enum KeyFlag: Int32, Sendable, Hashable, CaseIterable {
    case deleteRow = 0
    case deleteColumnFamily = 1
    case deleteCell = 2
    case deleteCellVersion = 3
    case insert = 255
}

/// `struct Key`: 1 row, 2 column_family, 3 column_qualifier, 4 timestamp, 5 revision, 6 flag.
public struct Key: Sendable, Hashable {
    public var row: Bytes
    public var columnFamily: String
    public var columnQualifier: Bytes
    public var timestamp: Int64?
    public var revision: Int64?
    public var flag: KeyFlag

    public init(row: Bytes, columnFamily: String = "", columnQualifier: Bytes = [],
                timestamp: Int64? = nil, revision: Int64? = nil, flag: KeyFlag = .insert) {
        self.row = row
        self.columnFamily = columnFamily
        self.columnQualifier = columnQualifier
        self.timestamp = timestamp
        self.revision = revision
        self.flag = flag
    }
}

/// `struct Cell`: 1 key, 2 value (optional binary).
public struct Cell: Sendable, Hashable {
    public var key: Key
    public var value: Bytes?

    public init(key: Key, value: Bytes? = nil) {
        self.key = key
        self.value = value
    }
}

/// `struct RowInterval`: 1 start_row, 2 start_inclusive (default true), 3 end_row,
/// 4 end_inclusive (default true), 5 start_row_binary, 6 end_row_binary.
/// We write the binary fields (5, 6) only when a row is not valid UTF-8... no: we keep one
/// `Bytes` per end and the codec writes fields 1/3 (the broker reads both; 5/6 win when set).
public struct RowInterval: Sendable, Hashable {
    public var startRow: Bytes?
    public var startInclusive: Bool
    public var endRow: Bytes?
    public var endInclusive: Bool

    public init(startRow: Bytes? = nil, startInclusive: Bool = true,
                endRow: Bytes? = nil, endInclusive: Bool = true) {
        self.startRow = startRow
        self.startInclusive = startInclusive
        self.endRow = endRow
        self.endInclusive = endInclusive
    }
}

/// `struct CellInterval`: 1 start_row, 2 start_column, 3 start_inclusive, 4 end_row,
/// 5 end_column, 6 end_inclusive.
public struct CellInterval: Sendable, Hashable {
    public var startRow: Bytes?
    public var startColumn: String?
    public var startInclusive: Bool
    public var endRow: Bytes?
    public var endColumn: String?
    public var endInclusive: Bool

    public init(startRow: Bytes? = nil, startColumn: String? = nil, startInclusive: Bool = true,
                endRow: Bytes? = nil, endColumn: String? = nil, endInclusive: Bool = true) {
        self.startRow = startRow
        self.startColumn = startColumn
        self.startInclusive = startInclusive
        self.endRow = endRow
        self.endColumn = endColumn
        self.endInclusive = endInclusive
    }
}

/// `enum ColumnPredicateOperation`: a bit set.
public struct ColumnPredicateOperation: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let exactMatch = ColumnPredicateOperation(rawValue: 1)
    public static let prefixMatch = ColumnPredicateOperation(rawValue: 2)
    public static let regexMatch = ColumnPredicateOperation(rawValue: 4)
    public static let valueMatch = ColumnPredicateOperation(rawValue: 7)
    public static let qualifierExactMatch = ColumnPredicateOperation(rawValue: 256)
    public static let qualifierPrefixMatch = ColumnPredicateOperation(rawValue: 512)
    public static let qualifierRegexMatch = ColumnPredicateOperation(rawValue: 1024)
    public static let qualifierMatch = ColumnPredicateOperation(rawValue: 1792)
}

/// `struct ColumnPredicate`: 1 column_family, 2 column_qualifier, 3 operation, 4 value.
public struct ColumnPredicate: Sendable, Hashable {
    public var columnFamily: String?
    public var columnQualifier: String?
    public var operation: ColumnPredicateOperation
    public var value: String?

    public init(columnFamily: String? = nil, columnQualifier: String? = nil,
                operation: ColumnPredicateOperation, value: String? = nil) {
        self.columnFamily = columnFamily
        self.columnQualifier = columnQualifier
        self.operation = operation
        self.value = value
    }
}

/// `struct ScanSpec`. Zero means "no limit" for versions and the limits, as in the IDL.
/// Field ids: 1 row_intervals, 2 cell_intervals, 3 return_deletes, 4 versions, 5 row_limit,
/// 6 start_time, 7 end_time, 8 columns, 9 keys_only, 10 cell_limit_per_family,
/// 11 row_regexp, 12 value_regexp, 13 scan_and_filter_rows, 14 cell_limit, 15 row_offset,
/// 16 cell_offset, 17 column_predicates, 18 do_not_cache, 19 and_column_predicates.
public struct ScanSpec: Sendable, Hashable {
    public var rowIntervals: [RowInterval] = []
    public var cellIntervals: [CellInterval] = []
    public var returnDeletes = false
    public var versions: Int32 = 0
    public var rowLimit: Int32 = 0
    public var startTime: Int64?
    public var endTime: Int64?
    public var columns: [String] = []
    public var keysOnly = false
    public var cellLimit: Int32 = 0
    public var cellLimitPerFamily: Int32 = 0
    public var rowRegexp: String?
    public var valueRegexp: String?
    public var scanAndFilterRows = false
    public var rowOffset: Int32 = 0
    public var cellOffset: Int32 = 0
    public var columnPredicates: [ColumnPredicate] = []
    public var doNotCache = false
    public var andColumnPredicates = false

    public init() {}
}

/// `struct MutateSpec`: 1 appname, 2 flush_interval, 3 flags.
public struct MutateSpec: Sendable, Hashable {
    public var appName: String
    public var flushInterval: Int32
    public var flags: Int32

    public init(appName: String = "", flushInterval: Int32 = 1000, flags: Int32 = 2) {
        self.appName = appName
        self.flushInterval = flushInterval
        self.flags = flags
    }
}

/// `struct NamespaceListing`: 1 name, 2 is_namespace.
public struct NamespaceListing: Sendable, Hashable {
    public var name: String
    public var isNamespace: Bool

    public init(name: String, isNamespace: Bool) {
        self.name = name
        self.isNamespace = isNamespace
    }
}

/// `struct ColumnFamilyOptions`: 1 max_versions, 2 ttl, 3 time_order_desc, 4 counter.
public struct ColumnFamilyOptions: Sendable, Hashable {
    public var maxVersions: Int32?
    public var ttl: Int32?
    public var timeOrderDesc: Bool?
    public var counter: Bool?

    public init(maxVersions: Int32? = nil, ttl: Int32? = nil, timeOrderDesc: Bool? = nil, counter: Bool? = nil) {
        self.maxVersions = maxVersions
        self.ttl = ttl
        self.timeOrderDesc = timeOrderDesc
        self.counter = counter
    }
}

/// `struct ColumnFamilySpec`: 1 name, 2 access_group, 3 deleted, 4 generation, 5 id,
/// 6 value_index, 7 qualifier_index, 8 options.
public struct ColumnFamilySpec: Sendable, Hashable {
    public var name: String
    public var accessGroup: String
    public var deleted: Bool
    public var generation: Int64?
    public var id: Int32?
    public var valueIndex: Bool
    public var qualifierIndex: Bool
    public var options: ColumnFamilyOptions?

    public init(name: String, accessGroup: String = "default", deleted: Bool = false,
                generation: Int64? = nil, id: Int32? = nil, valueIndex: Bool = false,
                qualifierIndex: Bool = false, options: ColumnFamilyOptions? = nil) {
        self.name = name
        self.accessGroup = accessGroup
        self.deleted = deleted
        self.generation = generation
        self.id = id
        self.valueIndex = valueIndex
        self.qualifierIndex = qualifierIndex
        self.options = options
    }
}

/// `struct AccessGroupOptions`: 1 replication (i16), 2 blocksize, 3 compressor,
/// 4 bloom_filter, 5 in_memory.
public struct AccessGroupOptions: Sendable, Hashable {
    public var replication: Int16?
    public var blockSize: Int32?
    public var compressor: String?
    public var bloomFilter: String?
    public var inMemory: Bool?

    public init(replication: Int16? = nil, blockSize: Int32? = nil, compressor: String? = nil,
                bloomFilter: String? = nil, inMemory: Bool? = nil) {
        self.replication = replication
        self.blockSize = blockSize
        self.compressor = compressor
        self.bloomFilter = bloomFilter
        self.inMemory = inMemory
    }
}

/// `struct AccessGroupSpec`: 1 name, 2 generation, 3 options, 4 defaults.
public struct AccessGroupSpec: Sendable, Hashable {
    public var name: String
    public var generation: Int64?
    public var options: AccessGroupOptions?
    public var defaults: ColumnFamilyOptions?

    public init(name: String, generation: Int64? = nil, options: AccessGroupOptions? = nil,
                defaults: ColumnFamilyOptions? = nil) {
        self.name = name
        self.generation = generation
        self.options = options
        self.defaults = defaults
    }
}

/// `struct Schema`: 1 access_groups (map), 2 column_families (map), 3 generation, 4 version,
/// 5 group_commit_interval, 6 access_group_defaults, 7 column_family_defaults.
public struct Schema: Sendable, Hashable {
    public var accessGroups: [String: AccessGroupSpec]
    public var columnFamilies: [String: ColumnFamilySpec]
    public var generation: Int64?
    public var version: Int32?
    public var groupCommitInterval: Int32?
    public var accessGroupDefaults: AccessGroupOptions?
    public var columnFamilyDefaults: ColumnFamilyOptions?

    public init(accessGroups: [String: AccessGroupSpec] = [:], columnFamilies: [String: ColumnFamilySpec] = [:],
                generation: Int64? = nil, version: Int32? = nil, groupCommitInterval: Int32? = nil,
                accessGroupDefaults: AccessGroupOptions? = nil, columnFamilyDefaults: ColumnFamilyOptions? = nil) {
        self.accessGroups = accessGroups
        self.columnFamilies = columnFamilies
        self.generation = generation
        self.version = version
        self.groupCommitInterval = groupCommitInterval
        self.accessGroupDefaults = accessGroupDefaults
        self.columnFamilyDefaults = columnFamilyDefaults
    }
}

/// `struct Status`: 1 code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN), 2 text.
public struct BrokerStatus: Sendable, Hashable {
    public var code: Int32
    public var text: String

    public init(code: Int32 = 0, text: String = "") {
        self.code = code
        self.text = text
    }
}

/// `struct HqlResult` (Hql.thrift): 1 results, 2 cells, 3 scanner, 4 mutator.
/// With `hql_exec(unbuffered: true)` a SELECT returns a scanner id instead of cells.
public struct HQLResult: Sendable, Hashable {
    public var results: [String]?
    public var cells: [Cell]?
    public var scanner: Int64?
    public var mutator: Int64?

    public init(results: [String]? = nil, cells: [Cell]? = nil, scanner: Int64? = nil, mutator: Int64? = nil) {
        self.results = results
        self.cells = cells
        self.scanner = scanner
        self.mutator = mutator
    }
}

/// `struct TableSplit`: 1 start_row, 2 end_row (binary), 3 location, 4 ip_address, 5 hostname;
/// every field optional. The broker leaves `end_row` unset for the last range (its end is
/// `Key::END_ROW_MARKER`, "\xff\xff").
public struct TableSplit: Sendable, Hashable {
    public var startRow: Bytes?
    public var endRow: Bytes?
    public var location: String?
    public var ipAddress: String?
    public var hostname: String?

    public init(startRow: Bytes? = nil, endRow: Bytes? = nil, location: String? = nil,
                ipAddress: String? = nil, hostname: String? = nil) {
        self.startRow = startRow
        self.endRow = endRow
        self.location = location
        self.ipAddress = ipAddress
        self.hostname = hostname
    }
}

/// `struct Result` / `ResultAsArrays` / `ResultSerialized` (what `future_get_result*`
/// answers): 1 is_empty, 2 id, 3 is_scan, 4 is_error (all required), 5 error, 6 error_msg,
/// 7 cells (optional). `Cells` is `[Cell]`, `[[Bytes]]` (CellAsArray) or `Bytes` (serialized).
public struct FutureResult<Cells: Sendable & Hashable>: Sendable, Hashable {
    public var isEmpty: Bool
    /// The async scanner's or mutator's id; 0 when `isEmpty`.
    public var id: Int64
    public var isScan: Bool
    public var isError: Bool
    public var error: Int32?
    public var errorMessage: String?
    public var cells: Cells?

    public init(isEmpty: Bool, id: Int64 = 0, isScan: Bool = false, isError: Bool = false,
                error: Int32? = nil, errorMessage: String? = nil, cells: Cells? = nil) {
        self.isEmpty = isEmpty
        self.id = id
        self.isScan = isScan
        self.isError = isError
        self.error = error
        self.errorMessage = errorMessage
        self.cells = cells
    }

    /// What `future_get_result` answers when nothing is outstanding and nothing queued.
    public static var empty: FutureResult { FutureResult(isEmpty: true) }

    /// The same result with its cells in another encoding.
    public func mapCells<Other>(_ transform: (Cells) throws(ClientException) -> Other) throws(ClientException) -> FutureResult<Other> {
        FutureResult<Other>(isEmpty: isEmpty, id: id, isScan: isScan, isError: isError, error: error,
                            errorMessage: errorMessage, cells: try cells.map(transform))
    }
}

/// `struct HqlResult2` and `struct HqlResultAsArrays` (Hql.thrift), one shape: 1 results,
/// 2 cells (list<CellAsArray>), 3 scanner, 4 mutator.
public struct HQLResultAsArrays: Sendable, Hashable {
    public var results: [String]?
    public var cells: [[Bytes]]?
    public var scanner: Int64?
    public var mutator: Int64?

    public init(results: [String]? = nil, cells: [[Bytes]]? = nil, scanner: Int64? = nil, mutator: Int64? = nil) {
        self.results = results
        self.cells = cells
        self.scanner = scanner
        self.mutator = mutator
    }

    /// `HqlCallback<HqlResult2, CellAsArray>`: the same answer with every cell as an array.
    public init(_ result: HQLResult) {
        self.init(results: result.results, cells: result.cells?.map(CellAsArray.encode),
                  scanner: result.scanner, mutator: result.mutator)
    }
}

/// What a statement does, for the gateway's guards (read-only routes refuse the others).
public enum HQLStatementKind: String, Sendable, Hashable {
    /// SELECT, SHOW, DESCRIBE, GET LISTING, EXISTS, USE.
    case read
    /// INSERT, DELETE.
    case write
    /// CREATE, DROP, ALTER, RENAME.
    case ddl
}

/// One parsed HQL statement.
public enum HQLStatement: Sendable, Hashable {
    case createNamespace(name: String, ifNotExists: Bool)
    case dropNamespace(name: String, ifExists: Bool)
    case use(namespace: String)
    case createTable(HQLCreateTable)
    case createTableLike(name: String, like: String)
    case dropTable(name: String, ifExists: Bool)
    case alterTable(HQLAlterTable)
    case renameTable(from: String, to: String)
    case showTables
    case showCreateTable(name: String)
    /// `DESCRIBE TABLE [WITH IDS] name`.
    case describeTable(name: String, withIDs: Bool)
    /// `GET LISTING`.
    case getListing
    case existsTable(name: String)
    case insert(HQLInsert)
    case select(HQLSelect)
    case delete(HQLDelete)
    /// `REBUILD [VALUE|QUALIFIER] INDICES table`: the index tables made again from the cells.
    case rebuildIndices(table: String, kinds: Set<HQLAlterTable.IndexKind>)

    public var kind: HQLStatementKind {
        switch self {
        case .createNamespace, .dropNamespace, .createTable, .createTableLike, .dropTable,
             .alterTable, .renameTable, .rebuildIndices:
            return .ddl
        case .insert, .delete:
            return .write
        case .use, .showTables, .showCreateTable, .describeTable, .getListing, .existsTable, .select:
            return .read
        }
    }
}

/// Column family options (`MAX_VERSIONS`, `TTL`, `COUNTER`, `TIME_ORDER`).
public struct HQLColumnFamilyOptions: Sendable, Hashable {
    public var maxVersions: Int32?
    /// Seconds.
    public var ttl: Int32?
    public var counter: Bool?
    public var timeOrderDesc: Bool?

    public init(maxVersions: Int32? = nil, ttl: Int32? = nil, counter: Bool? = nil, timeOrderDesc: Bool? = nil) {
        self.maxVersions = maxVersions
        self.ttl = ttl
        self.counter = counter
        self.timeOrderDesc = timeOrderDesc
    }

    public var isEmpty: Bool { self == HQLColumnFamilyOptions() }
}

/// Access group (and table-level) options.
public struct HQLAccessGroupOptions: Sendable, Hashable {
    public var inMemory: Bool?
    public var blockSize: Int32?
    public var replication: Int16?
    public var compressor: String?
    public var bloomFilter: String?

    public init(inMemory: Bool? = nil, blockSize: Int32? = nil, replication: Int16? = nil,
                compressor: String? = nil, bloomFilter: String? = nil) {
        self.inMemory = inMemory
        self.blockSize = blockSize
        self.replication = replication
        self.compressor = compressor
        self.bloomFilter = bloomFilter
    }
}

/// `name [column_family_option ...]`, plus `INDEX name` / `QUALIFIER INDEX name` (merged into
/// the family of that name in the same parenthesised list, as Hypertable's parser does).
public struct HQLColumnFamilyDefinition: Sendable, Hashable {
    public var name: String
    public var options: HQLColumnFamilyOptions
    public var valueIndex: Bool
    public var qualifierIndex: Bool
    /// Named only by `INDEX` / `QUALIFIER INDEX` clauses, not defined in the list: it must
    /// be an access group member of the same list or, in `ALTER TABLE ... ADD`, an existing
    /// family (which then gets the index); otherwise Hypertable refuses it as a reference to
    /// an undefined column.
    public var indexOnly: Bool

    public init(name: String, options: HQLColumnFamilyOptions = .init(), valueIndex: Bool = false,
                qualifierIndex: Bool = false, indexOnly: Bool = false) {
        self.name = name
        self.options = options
        self.valueIndex = valueIndex
        self.qualifierIndex = qualifierIndex
        self.indexOnly = indexOnly
    }
}

/// `ACCESS GROUP name [options] (cf, ...)`.
public struct HQLAccessGroupDefinition: Sendable, Hashable {
    public var name: String
    public var options: HQLAccessGroupOptions
    public var columnFamilyDefaults: HQLColumnFamilyOptions
    public var columnFamilies: [HQLColumnFamilyDefinition]

    public init(name: String, options: HQLAccessGroupOptions = .init(),
                columnFamilyDefaults: HQLColumnFamilyOptions = .init(),
                columnFamilies: [HQLColumnFamilyDefinition] = []) {
        self.name = name
        self.options = options
        self.columnFamilyDefaults = columnFamilyDefaults
        self.columnFamilies = columnFamilies
    }
}

/// `CREATE TABLE name (definitions) [table options]` (Hypertable's grammar has no IF NOT
/// EXISTS for tables).
public struct HQLCreateTable: Sendable, Hashable {
    public var name: String
    /// Column families declared outside any access group, in order.
    public var columnFamilies: [HQLColumnFamilyDefinition]
    public var accessGroups: [HQLAccessGroupDefinition]
    public var accessGroupDefaults: HQLAccessGroupOptions
    public var columnFamilyDefaults: HQLColumnFamilyOptions
    public var groupCommitInterval: Int32?

    public init(name: String, columnFamilies: [HQLColumnFamilyDefinition] = [],
                accessGroups: [HQLAccessGroupDefinition] = [], accessGroupDefaults: HQLAccessGroupOptions = .init(),
                columnFamilyDefaults: HQLColumnFamilyOptions = .init(), groupCommitInterval: Int32? = nil) {
        self.name = name
        self.columnFamilies = columnFamilies
        self.accessGroups = accessGroups
        self.accessGroupDefaults = accessGroupDefaults
        self.columnFamilyDefaults = columnFamilyDefaults
        self.groupCommitInterval = groupCommitInterval
    }
}

/// `ALTER TABLE name (ADD (...) | DROP (...) | RENAME COLUMN FAMILY (old, new) | MODIFY (...))+`.
public struct HQLAlterTable: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        case add(columnFamilies: [HQLColumnFamilyDefinition], accessGroups: [HQLAccessGroupDefinition])
        case modify(columnFamilies: [HQLColumnFamilyDefinition], accessGroups: [HQLAccessGroupDefinition])
        case drop(columnFamilies: [String])
        /// `DROP [VALUE] INDEX (...)`, `DROP QUALIFIER INDEX (...)`: the families stay.
        case dropIndex(columnFamilies: [String], kind: IndexKind)
        case renameColumnFamily(from: String, to: String)
    }

    /// Which index: value (`INDEX`) or qualifier (`QUALIFIER INDEX`).
    public enum IndexKind: Sendable, Hashable { case value, qualifier }

    public var name: String
    public var actions: [Action]

    public init(name: String, actions: [Action]) {
        self.name = name
        self.actions = actions
    }
}

/// A value that may be computed by the broker (`GUID()`).
public enum HQLValue: Sendable, Hashable {
    case literal(String)
    case guid
}

/// One `(row, column, value)` or `(timestamp, row, column, value)` tuple.
public struct HQLInsertCell: Sendable, Hashable {
    /// Nanoseconds since the epoch; nil means auto-assigned.
    public var timestamp: Int64?
    public var row: HQLValue
    public var columnFamily: String
    public var columnQualifier: String?
    public var value: HQLValue

    public init(timestamp: Int64? = nil, row: HQLValue, columnFamily: String, columnQualifier: String? = nil,
                value: HQLValue) {
        self.timestamp = timestamp
        self.row = row
        self.columnFamily = columnFamily
        self.columnQualifier = columnQualifier
        self.value = value
    }
}

/// `INSERT INTO table VALUES (...), ...`.
public struct HQLInsert: Sendable, Hashable {
    public var table: String
    public var cells: [HQLInsertCell]

    public init(table: String, cells: [HQLInsertCell]) {
        self.table = table
        self.cells = cells
    }
}

/// A column reference in SELECT / DELETE.
public enum HQLColumnSelector: Sendable, Hashable {
    case family(String)
    case cell(family: String, qualifier: String)
    case qualifierPrefix(family: String, prefix: String)
    case qualifierRegex(family: String, regex: String)

    public var family: String {
        switch self {
        case .family(let f), .cell(let f, _), .qualifierPrefix(let f, _), .qualifierRegex(let f, _): return f
        }
    }
}

/// One end of an interval.
public struct HQLBound<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var inclusive: Bool

    public init(_ value: Value, inclusive: Bool) {
        self.value = value
        self.inclusive = inclusive
    }
}

/// A row interval from `ROW = x`, `ROW < x`, `'a' <= ROW < 'b'`, `ROW =^ 'p'`.
public struct HQLRowInterval: Sendable, Hashable {
    public var start: HQLBound<String>?
    public var end: HQLBound<String>?
    /// `ROW =^ 'prefix'`: rows starting with these bytes (start and end are then nil).
    public var prefix: String?

    public init(start: HQLBound<String>? = nil, end: HQLBound<String>? = nil, prefix: String? = nil) {
        self.start = start
        self.end = end
        self.prefix = prefix
    }
}

/// A cell key: row and `family[:qualifier]` column.
public struct HQLCellKey: Sendable, Hashable {
    public var row: String
    public var column: String

    public init(row: String, column: String) {
        self.row = row
        self.column = column
    }
}

/// A cell interval from `CELL = r,c`, `r,c <= CELL < r,c`, `CELL =^ r,c`.
public struct HQLCellInterval: Sendable, Hashable {
    public var start: HQLBound<HQLCellKey>?
    public var end: HQLBound<HQLCellKey>?
    /// `CELL =^ row,'column-prefix'`: cells of that row whose column starts with the prefix.
    public var prefix: HQLCellKey?

    public init(start: HQLBound<HQLCellKey>? = nil, end: HQLBound<HQLCellKey>? = nil, prefix: HQLCellKey? = nil) {
        self.start = start
        self.end = end
        self.prefix = prefix
    }
}

/// A column predicate: `family[:qualifier] = 'v'`, `=^ 'prefix'`, `=~ /regex/`,
/// `REGEXP(family[:qualifier], 're')`, `EXISTS(family:qualifier)`, or `VALUE REGEXP`-like
/// predicates on any family (family nil). Several are OR-ed (a cell matching any passes)
/// unless `HQLSelect.andValuePredicates` says they were joined with AND.
public struct HQLValuePredicate: Sendable, Hashable {
    public enum Operation: Sendable, Hashable { case exact, prefix, regex, exists }
    /// `family:qualifier`, `family:/regex/`, or `family:*` (any qualifier).
    public enum QualifierMatch: Sendable, Hashable { case exact(String), regex(String), any }
    public var family: String?
    public var qualifier: QualifierMatch?
    public var operation: Operation
    public var value: String

    public init(family: String?, qualifier: QualifierMatch? = nil, operation: Operation, value: String) {
        self.family = family
        self.qualifier = qualifier
        self.operation = operation
        self.value = value
    }
}

/// `SELECT ... FROM table [WHERE ...] [options]`.
public struct HQLSelect: Sendable, Hashable {
    /// Empty means `*`.
    public var columns: [HQLColumnSelector] = []
    public var table: String = ""
    /// OR-ed row intervals; empty means every row.
    public var rowIntervals: [HQLRowInterval] = []
    public var cellIntervals: [HQLCellInterval] = []
    public var rowRegexp: String?
    public var valueRegexp: String?
    public var valuePredicates: [HQLValuePredicate] = []
    /// The column predicates were joined with AND (the last boolean operator between them):
    /// a row must match every one (ScanSpec `and_column_predicates`).
    public var andValuePredicates = false
    /// Nanoseconds, inclusive start.
    public var startTime: Int64?
    /// Nanoseconds, exclusive end (as `ScanSpec.end_time`).
    public var endTime: Int64?
    public var limit: Int32 = 0
    public var offset: Int32 = 0
    public var cellLimit: Int32 = 0
    public var cellOffset: Int32 = 0
    public var cellLimitPerFamily: Int32 = 0
    public var maxVersions: Int32 = 0
    public var keysOnly = false
    public var returnDeletes = false
    public var displayTimestamps = false
    /// `DISPLAY_REVISIONS`: the shell prints each cell's revision before its timestamp.
    public var displayRevisions = false
    /// `NO_ESCAPE`: the shell prints rows, qualifiers and values as stored, without escaping
    /// backslash, newline, tab and NUL.
    public var noEscape = false
    public var scanAndFilterRows = false
    public var noCache = false

    public init() {}

    /// `SELECT * FROM table WHERE ROW = 'key'`: built in place, where a `var` filled field by
    /// field is copied whole into its `HQLStatement`.
    init(table: String, row key: String) {
        self.table = table
        rowIntervals = [HQLRowInterval(start: HQLBound(key, inclusive: true), end: HQLBound(key, inclusive: true))]
    }
}

/// `DELETE (* | column, ...) FROM table WHERE ROW = 'x' [TIMESTAMP t | VERSION t]`.
public struct HQLDelete: Sendable, Hashable {
    /// Empty means `*` (the whole row).
    public var columns: [HQLColumnSelector]
    public var table: String
    public var row: String
    /// Deletes cells at or before this time (nanoseconds).
    public var timestamp: Int64?
    /// Deletes exactly this version (nanoseconds).
    public var version: Int64?

    public init(columns: [HQLColumnSelector], table: String, row: String, timestamp: Int64? = nil, version: Int64? = nil) {
        self.columns = columns
        self.table = table
        self.row = row
        self.timestamp = timestamp
        self.version = version
    }
}

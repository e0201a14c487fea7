import Thrift

// Thrift encoding of the broker types, both directions (the client writes arguments and reads
// results; the embedded broker reads arguments and writes results).
//
// Writing follows the code the Thrift compiler generates for Client.thrift/Hql.thrift byte for
// byte: fields in field-id order (the compiler sorts them; ScanSpec's 14 is declared after 9),
// `optional` fields without a value left out, fields with an IDL default always written. Reading accepts fields in any order and
// skips unknown ids. Missing fields take the IDL default (as generated code does), except
// `required` ones, which are an error (generated code's `validate()` refuses them too). A known
// field with the wrong wire type is an error rather than silently skipped.

extension KeyFlag {
    static func decode(_ raw: Int32) throws -> KeyFlag {
        guard let flag = KeyFlag(rawValue: raw) else {
            throw ThriftError.invalidValue(what: "Key.flag (KeyFlag)", value: String(raw))
        }
        return flag
    }
}

extension Key: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeBinaryField(1, row)
        writer.writeField(2, columnFamily)
        writer.writeBinaryField(3, columnQualifier)
        writer.writeField(4, timestamp)
        writer.writeField(5, revision)
        writer.writeField(6, flag.rawValue)
        writer.writeFieldStop()
    }

    /// Fields go into locals and the key is built once at the end (every reply cell has one).
    public static func read(from reader: inout ThriftBinaryReader) throws -> Key {
        var row: Bytes = [], columnFamily = "", columnQualifier: Bytes = []
        var timestamp: Int64?, revision: Int64?, flag = KeyFlag.insert
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: row = try reader.readBinary(for: field, in: "Key")
            case 2: columnFamily = try reader.read(String.self, for: field, in: "Key")
            case 3: columnQualifier = try reader.readBinary(for: field, in: "Key")
            case 4: timestamp = try reader.read(Int64.self, for: field, in: "Key")
            case 5: revision = try reader.read(Int64.self, for: field, in: "Key")
            case 6: flag = try KeyFlag.decode(try reader.read(Int32.self, for: field, in: "Key"))
            default: return false
            }
            return true
        }
        return Key(row: row, columnFamily: columnFamily, columnQualifier: columnQualifier,
                   timestamp: timestamp, revision: revision, flag: flag)
    }
}

extension Cell: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, key)
        writer.writeBinaryField(2, value)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> Cell {
        var key: Key?, value: Bytes?
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: key = try reader.read(Key.self, for: field, in: "Cell")
            case 2: value = try reader.readBinary(for: field, in: "Cell")
            default: return false
            }
            return true
        }
        return Cell(key: key ?? Key(row: []), value: value)
    }
}

extension RowInterval: ThriftStruct {
    /// Rows go in the `string` fields 1 and 3 as raw bytes (the broker's C++ `std::string`
    /// holds any byte); fields 5/6 (`*_row_binary`) are read, and win when present.
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeBinaryField(1, startRow)
        writer.writeField(2, startInclusive)
        writer.writeBinaryField(3, endRow)
        writer.writeField(4, endInclusive)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> RowInterval {
        var interval = RowInterval()
        var startBinary: Bytes?
        var endBinary: Bytes?
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: interval.startRow = try reader.readBinary(for: field, in: "RowInterval")
            case 2: interval.startInclusive = try reader.read(Bool.self, for: field, in: "RowInterval")
            case 3: interval.endRow = try reader.readBinary(for: field, in: "RowInterval")
            case 4: interval.endInclusive = try reader.read(Bool.self, for: field, in: "RowInterval")
            case 5: startBinary = try reader.readBinary(for: field, in: "RowInterval")
            case 6: endBinary = try reader.readBinary(for: field, in: "RowInterval")
            default: return false
            }
            return true
        }
        if let startBinary { interval.startRow = startBinary }
        if let endBinary { interval.endRow = endBinary }
        return interval
    }
}

extension CellInterval: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeBinaryField(1, startRow)
        writer.writeField(2, startColumn)
        writer.writeField(3, startInclusive)
        writer.writeBinaryField(4, endRow)
        writer.writeField(5, endColumn)
        writer.writeField(6, endInclusive)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> CellInterval {
        var interval = CellInterval()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: interval.startRow = try reader.readBinary(for: field, in: "CellInterval")
            case 2: interval.startColumn = try reader.read(String.self, for: field, in: "CellInterval")
            case 3: interval.startInclusive = try reader.read(Bool.self, for: field, in: "CellInterval")
            case 4: interval.endRow = try reader.readBinary(for: field, in: "CellInterval")
            case 5: interval.endColumn = try reader.read(String.self, for: field, in: "CellInterval")
            case 6: interval.endInclusive = try reader.read(Bool.self, for: field, in: "CellInterval")
            default: return false
            }
            return true
        }
        return interval
    }
}

extension ColumnPredicate: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, columnFamily)
        writer.writeField(2, columnQualifier)
        writer.writeField(3, operation.rawValue)
        writer.writeField(4, value)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> ColumnPredicate {
        var predicate = ColumnPredicate(operation: [])
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: predicate.columnFamily = try reader.read(String.self, for: field, in: "ColumnPredicate")
            case 2: predicate.columnQualifier = try reader.read(String.self, for: field, in: "ColumnPredicate")
            case 3: predicate.operation = ColumnPredicateOperation(
                rawValue: try reader.read(Int32.self, for: field, in: "ColumnPredicate"))
            case 4: predicate.value = try reader.read(String.self, for: field, in: "ColumnPredicate")
            default: return false
            }
            return true
        }
        return predicate
    }
}

extension ScanSpec: ThriftStruct {
    /// Empty lists are left out (the IDL's unset `optional` list); scalar fields with an IDL
    /// default are always written, as generated code does.
    public func write(to writer: inout ThriftBinaryWriter) {
        if !rowIntervals.isEmpty { writer.writeField(1, rowIntervals) }
        if !cellIntervals.isEmpty { writer.writeField(2, cellIntervals) }
        writer.writeField(3, returnDeletes)
        writer.writeField(4, versions)
        writer.writeField(5, rowLimit)
        writer.writeField(6, startTime)
        writer.writeField(7, endTime)
        if !columns.isEmpty { writer.writeField(8, columns) }
        writer.writeField(9, keysOnly)
        writer.writeField(10, cellLimitPerFamily)
        writer.writeField(11, rowRegexp)
        writer.writeField(12, valueRegexp)
        writer.writeField(13, scanAndFilterRows)
        writer.writeField(14, cellLimit)
        writer.writeField(15, rowOffset)
        writer.writeField(16, cellOffset)
        if !columnPredicates.isEmpty { writer.writeField(17, columnPredicates) }
        writer.writeField(18, doNotCache)
        writer.writeField(19, andColumnPredicates)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> ScanSpec {
        var spec = ScanSpec()
        let name = "ScanSpec"
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: spec.rowIntervals = try reader.read([RowInterval].self, for: field, in: name)
            case 2: spec.cellIntervals = try reader.read([CellInterval].self, for: field, in: name)
            case 3: spec.returnDeletes = try reader.read(Bool.self, for: field, in: name)
            case 4: spec.versions = try reader.read(Int32.self, for: field, in: name)
            case 5: spec.rowLimit = try reader.read(Int32.self, for: field, in: name)
            case 6: spec.startTime = try reader.read(Int64.self, for: field, in: name)
            case 7: spec.endTime = try reader.read(Int64.self, for: field, in: name)
            case 8: spec.columns = try reader.read([String].self, for: field, in: name)
            case 9: spec.keysOnly = try reader.read(Bool.self, for: field, in: name)
            case 10: spec.cellLimitPerFamily = try reader.read(Int32.self, for: field, in: name)
            case 11: spec.rowRegexp = try reader.read(String.self, for: field, in: name)
            case 12: spec.valueRegexp = try reader.read(String.self, for: field, in: name)
            case 13: spec.scanAndFilterRows = try reader.read(Bool.self, for: field, in: name)
            case 14: spec.cellLimit = try reader.read(Int32.self, for: field, in: name)
            case 15: spec.rowOffset = try reader.read(Int32.self, for: field, in: name)
            case 16: spec.cellOffset = try reader.read(Int32.self, for: field, in: name)
            case 17: spec.columnPredicates = try reader.read([ColumnPredicate].self, for: field, in: name)
            case 18: spec.doNotCache = try reader.read(Bool.self, for: field, in: name)
            case 19: spec.andColumnPredicates = try reader.read(Bool.self, for: field, in: name)
            default: return false
            }
            return true
        }
        return spec
    }
}

extension MutateSpec: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, appName)
        writer.writeField(2, flushInterval)
        writer.writeField(3, flags)
        writer.writeFieldStop()
    }

    /// All three fields are `required`.
    public static func read(from reader: inout ThriftBinaryReader) throws -> MutateSpec {
        var appName: String?
        var flushInterval: Int32?
        var flags: Int32?
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: appName = try reader.read(String.self, for: field, in: "MutateSpec")
            case 2: flushInterval = try reader.read(Int32.self, for: field, in: "MutateSpec")
            case 3: flags = try reader.read(Int32.self, for: field, in: "MutateSpec")
            default: return false
            }
            return true
        }
        guard let appName else { throw ThriftError.missingRequiredField(structName: "MutateSpec", field: "appname") }
        guard let flushInterval else {
            throw ThriftError.missingRequiredField(structName: "MutateSpec", field: "flush_interval")
        }
        guard let flags else { throw ThriftError.missingRequiredField(structName: "MutateSpec", field: "flags") }
        return MutateSpec(appName: appName, flushInterval: flushInterval, flags: flags)
    }
}

extension NamespaceListing: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, name)
        writer.writeField(2, isNamespace)
        writer.writeFieldStop()
    }

    /// Both fields are `required`.
    public static func read(from reader: inout ThriftBinaryReader) throws -> NamespaceListing {
        var name: String?
        var isNamespace: Bool?
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: name = try reader.read(String.self, for: field, in: "NamespaceListing")
            case 2: isNamespace = try reader.read(Bool.self, for: field, in: "NamespaceListing")
            default: return false
            }
            return true
        }
        guard let name else { throw ThriftError.missingRequiredField(structName: "NamespaceListing", field: "name") }
        guard let isNamespace else {
            throw ThriftError.missingRequiredField(structName: "NamespaceListing", field: "is_namespace")
        }
        return NamespaceListing(name: name, isNamespace: isNamespace)
    }
}

extension BrokerStatus: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, code)
        writer.writeField(2, text)
        writer.writeFieldStop()
    }

    /// `struct Status {1: required i32 code = OK, 2: required string text}`.
    public static func read(from reader: inout ThriftBinaryReader) throws -> BrokerStatus {
        var code: Int32?
        var text: String?
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: code = try reader.read(Int32.self, for: field, in: "Status")
            case 2: text = try reader.read(String.self, for: field, in: "Status")
            default: return false
            }
            return true
        }
        guard let code else { throw ThriftError.missingRequiredField(structName: "Status", field: "code") }
        guard let text else { throw ThriftError.missingRequiredField(structName: "Status", field: "text") }
        return BrokerStatus(code: code, text: text)
    }
}

extension HQLResult: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, results)
        writer.writeField(2, cells)
        writer.writeField(3, scanner)
        writer.writeField(4, mutator)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> HQLResult {
        var result = HQLResult()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: result.results = try reader.read([String].self, for: field, in: "HqlResult")
            case 2: result.cells = try reader.read([Cell].self, for: field, in: "HqlResult")
            case 3: result.scanner = try reader.read(Int64.self, for: field, in: "HqlResult")
            case 4: result.mutator = try reader.read(Int64.self, for: field, in: "HqlResult")
            default: return false
            }
            return true
        }
        return result
    }
}

extension ClientException: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, code)
        writer.writeField(2, message)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> ClientException {
        var exception = ClientException(code: 0, message: "")
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: exception.code = try reader.read(Int32.self, for: field, in: "ClientException")
            case 2: exception.message = try reader.read(String.self, for: field, in: "ClientException")
            default: return false
            }
            return true
        }
        return exception
    }
}

extension TableSplit: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeBinaryField(1, startRow)
        writer.writeBinaryField(2, endRow)
        writer.writeField(3, location)
        writer.writeField(4, ipAddress)
        writer.writeField(5, hostname)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> TableSplit {
        var split = TableSplit()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: split.startRow = try reader.readBinary(for: field, in: "TableSplit")
            case 2: split.endRow = try reader.readBinary(for: field, in: "TableSplit")
            case 3: split.location = try reader.read(String.self, for: field, in: "TableSplit")
            case 4: split.ipAddress = try reader.read(String.self, for: field, in: "TableSplit")
            case 5: split.hostname = try reader.read(String.self, for: field, in: "TableSplit")
            default: return false
            }
            return true
        }
        return split
    }
}

extension HQLResultAsArrays: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, results)
        cells.map { CellArrays($0).writeField(2, to: &writer) }
        writer.writeField(3, scanner)
        writer.writeField(4, mutator)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> HQLResultAsArrays {
        var result = HQLResultAsArrays()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: result.results = try reader.read([String].self, for: field, in: "HqlResult2")
            case 2: result.cells = try CellArrays.readField(field, from: &reader).arrays
            case 3: result.scanner = try reader.read(Int64.self, for: field, in: "HqlResult2")
            case 4: result.mutator = try reader.read(Int64.self, for: field, in: "HqlResult2")
            default: return false
            }
            return true
        }
        return result
    }
}

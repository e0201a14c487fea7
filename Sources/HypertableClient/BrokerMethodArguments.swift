import Thrift

// The argument structs (`<method>_args`) of the ThriftBroker methods, grouped by shape: many
// methods share one (`namespace_open` and `namespace_exists` both take `1: string ns`). Field
// ids, defaults and order follow Client.thrift / Hql.thrift; defaults apply to absent fields.

/// `(1: string ns)`: namespace_create, namespace_open, namespace_exists.
package struct NamespaceNameArguments: ThriftStruct, Equatable {
    package var name: String

    package init(name: String) {
        self.name = name
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, name)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> NamespaceNameArguments {
        var arguments = NamespaceNameArguments(name: "")
        try reader.readStruct { reader, field in
            guard field.id == 1 else { return false }
            arguments.name = try reader.read(String.self, for: field, in: "args")
            return true
        }
        return arguments
    }
}

/// `(1: i64 id)`: namespace_close, namespace_get_listing, get_tables, next_cells, next_row,
/// scanner_close, mutator_flush, mutator_close.
package struct HandleArguments: ThriftStruct, Equatable {
    package var id: Int64

    package init(id: Int64) {
        self.id = id
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, id)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> HandleArguments {
        var arguments = HandleArguments(id: 0)
        try reader.readStruct { reader, field in
            guard field.id == 1 else { return false }
            arguments.id = try reader.read(Int64.self, for: field, in: "args")
            return true
        }
        return arguments
    }
}

/// `namespace_drop(1: string ns, 2: bool if_exists = 1)`.
package struct NamespaceDropArguments: ThriftStruct, Equatable {
    package var name: String
    package var ifExists: Bool

    package init(name: String, ifExists: Bool) {
        self.name = name
        self.ifExists = ifExists
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, name)
        writer.writeField(2, ifExists)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> NamespaceDropArguments {
        var arguments = NamespaceDropArguments(name: "", ifExists: true)
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.name = try reader.read(String.self, for: field, in: "namespace_drop_args")
            case 2: arguments.ifExists = try reader.read(Bool.self, for: field, in: "namespace_drop_args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `(1: Namespace ns, 2: string table_name)` plus an optional third field whose type depends
/// on the method; used for the table calls that take nothing else, and as the common prefix.
package struct TableArguments: ThriftStruct, Equatable {
    package var namespace: Int64
    package var table: String

    package init(namespace: Int64, table: String) {
        self.namespace = namespace
        self.table = table
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, namespace)
        writer.writeField(2, table)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> TableArguments {
        var arguments = TableArguments(namespace: 0, table: "")
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.namespace = try reader.read(Int64.self, for: field, in: "args")
            case 2: arguments.table = try reader.read(String.self, for: field, in: "args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `(1: Namespace ns, 2: string table_name, 3: T third)`: table_create/table_alter (Schema),
/// get_cells/scanner_open (ScanSpec), set_cell (Cell), set_cells (list<Cell>),
/// table_rename (string new_name), table_drop (bool if_exists = 1).
package struct TableValueArguments<Value: ThriftCodable> {
    package var namespace: Int64
    package var table: String
    package var value: Value

    package init(namespace: Int64, table: String, value: Value) {
        self.namespace = namespace
        self.table = table
        self.value = value
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, namespace)
        writer.writeField(2, table)
        writer.writeField(3, value)
        writer.writeFieldStop()
    }

    /// Reads with `defaultValue` for an absent field 3.
    package static func read(from reader: inout ThriftBinaryReader, defaultValue: Value) throws -> TableValueArguments {
        var arguments = TableValueArguments(namespace: 0, table: "", value: defaultValue)
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.namespace = try reader.read(Int64.self, for: field, in: "args")
            case 2: arguments.table = try reader.read(String.self, for: field, in: "args")
            case 3: arguments.value = try reader.read(Value.self, for: field, in: "args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `get_row(1: ns, 2: table_name, 3: string row)` and
/// `get_cell(1: ns, 2: table_name, 3: string row, 4: string column)`; rows are bytes.
package struct RowArguments: ThriftStruct, Equatable {
    package var namespace: Int64
    package var table: String
    package var row: Bytes
    package var column: String?

    package init(namespace: Int64, table: String, row: Bytes, column: String? = nil) {
        self.namespace = namespace
        self.table = table
        self.row = row
        self.column = column
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, namespace)
        writer.writeField(2, table)
        writer.writeBinaryField(3, row)
        writer.writeField(4, column)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> RowArguments {
        var arguments = RowArguments(namespace: 0, table: "", row: [], column: nil)
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.namespace = try reader.read(Int64.self, for: field, in: "args")
            case 2: arguments.table = try reader.read(String.self, for: field, in: "args")
            case 3: arguments.row = try reader.readBinary(for: field, in: "args")
            case 4: arguments.column = try reader.read(String.self, for: field, in: "args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `hql_exec(1: i64 ns, 2: string command, 3: bool noflush = 0, 4: bool unbuffered = 0)`;
/// `hql_query(1: ns, 2: command)` has no fields 3 and 4 (`isQuery`).
package struct HQLArguments: ThriftStruct, Equatable {
    package var namespace: Int64
    package var command: String
    package var noFlush = false
    package var unbuffered = false
    package var isQuery = false

    package init(namespace: Int64, command: String, noFlush: Bool = false, unbuffered: Bool = false, isQuery: Bool = false) {
        self.namespace = namespace
        self.command = command
        self.noFlush = noFlush
        self.unbuffered = unbuffered
        self.isQuery = isQuery
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, namespace)
        writer.writeField(2, command)
        if !isQuery {
            writer.writeField(3, noFlush)
            writer.writeField(4, unbuffered)
        }
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> HQLArguments {
        var arguments = HQLArguments(namespace: 0, command: "")
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.namespace = try reader.read(Int64.self, for: field, in: "hql_args")
            case 2: arguments.command = try reader.read(String.self, for: field, in: "hql_args")
            case 3: arguments.noFlush = try reader.read(Bool.self, for: field, in: "hql_args")
            case 4: arguments.unbuffered = try reader.read(Bool.self, for: field, in: "hql_args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `mutator_open(1: ns, 2: table_name, 3: i32 flags = 0, 4: i32 flush_interval = 0)`.
package struct MutatorOpenArguments: ThriftStruct, Equatable {
    package var namespace: Int64
    package var table: String
    package var flags: Int32
    package var flushInterval: Int32

    package init(namespace: Int64, table: String, flags: Int32, flushInterval: Int32) {
        self.namespace = namespace
        self.table = table
        self.flags = flags
        self.flushInterval = flushInterval
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, namespace)
        writer.writeField(2, table)
        writer.writeField(3, flags)
        writer.writeField(4, flushInterval)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> MutatorOpenArguments {
        var arguments = MutatorOpenArguments(namespace: 0, table: "", flags: 0, flushInterval: 0)
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.namespace = try reader.read(Int64.self, for: field, in: "mutator_open_args")
            case 2: arguments.table = try reader.read(String.self, for: field, in: "mutator_open_args")
            case 3: arguments.flags = try reader.read(Int32.self, for: field, in: "mutator_open_args")
            case 4: arguments.flushInterval = try reader.read(Int32.self, for: field, in: "mutator_open_args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `(1: Mutator mutator, 2: T cells)`: mutator_set_cell (Cell), mutator_set_cells (list<Cell>).
package struct MutatorValueArguments<Value: ThriftCodable> {
    package var mutator: Int64
    package var value: Value

    package init(mutator: Int64, value: Value) {
        self.mutator = mutator
        self.value = value
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, mutator)
        writer.writeField(2, value)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader, defaultValue: Value) throws -> MutatorValueArguments {
        var arguments = MutatorValueArguments(mutator: 0, value: defaultValue)
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.mutator = try reader.read(Int64.self, for: field, in: "mutator_args")
            case 2: arguments.value = try reader.read(Value.self, for: field, in: "mutator_args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `error_get_text(1: i32 error_code)`.
package struct ErrorCodeArguments: ThriftStruct, Equatable {
    package var code: Int32

    package init(code: Int32) {
        self.code = code
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, code)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> ErrorCodeArguments {
        var arguments = ErrorCodeArguments(code: 0)
        try reader.readStruct { reader, field in
            guard field.id == 1 else { return false }
            arguments.code = try reader.read(Int32.self, for: field, in: "error_get_text_args")
            return true
        }
        return arguments
    }
}

/// `()`: status.
package struct NoArguments: ThriftStruct, Equatable {
    package func write(to writer: inout ThriftBinaryWriter) { writer.writeFieldStop() }

    package static func read(from reader: inout ThriftBinaryReader) throws -> NoArguments {
        try reader.readStruct { _, _ in false }
        return NoArguments()
    }
}

/// `future_open(1: i32 capacity = 0)`.
package struct FutureOpenArguments: ThriftStruct, Equatable {
    package var capacity: Int32 = 0

    package init(capacity: Int32 = 0) {
        self.capacity = capacity
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, capacity)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> FutureOpenArguments {
        var arguments = FutureOpenArguments()
        try reader.readStruct { reader, field in
            guard field.id == 1 else { return false }
            arguments.capacity = try reader.read(Int32.self, for: field, in: "future_open_args")
            return true
        }
        return arguments
    }
}

/// `future_get_result*(1: Future ff, 2: i32 timeout_millis = 0)`.
package struct FutureGetResultArguments: ThriftStruct, Equatable {
    package var future: Int64 = 0
    package var timeoutMilliseconds: Int32 = 0

    package init(future: Int64 = 0, timeoutMilliseconds: Int32 = 0) {
        self.future = future
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, future)
        writer.writeField(2, timeoutMilliseconds)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> FutureGetResultArguments {
        var arguments = FutureGetResultArguments()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.future = try reader.read(Int64.self, for: field, in: "future_get_result_args")
            case 2: arguments.timeoutMilliseconds = try reader.read(Int32.self, for: field, in: "future_get_result_args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `(1: Mutator mutator, 2: CellsSerialized cells, 3: bool flush = 0)`:
/// mutator_set_cells_serialized and async_mutator_set_cells_serialized.
package struct SerializedMutatorArguments: ThriftStruct, Equatable {
    package var mutator: Int64 = 0
    package var cells: Bytes = []
    package var flush = false

    package init(mutator: Int64 = 0, cells: Bytes = [], flush: Bool = false) {
        self.mutator = mutator
        self.cells = cells
        self.flush = flush
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, mutator)
        writer.writeBinaryField(2, cells)
        writer.writeField(3, flush)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> SerializedMutatorArguments {
        var arguments = SerializedMutatorArguments()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.mutator = try reader.read(Int64.self, for: field, in: "mutator_set_cells_serialized_args")
            case 2: arguments.cells = try reader.readBinary(for: field, in: "mutator_set_cells_serialized_args")
            case 3: arguments.flush = try reader.read(Bool.self, for: field, in: "mutator_set_cells_serialized_args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `(1: Namespace ns, 2: string table_name, 3: MutateSpec mutate_spec, 4: T cells)`: the
/// shared mutator calls; `shared_mutator_refresh` has no field 4 (`cells` stays nil).
package struct SharedMutatorArguments<Value: ThriftCodable> {
    package var namespace: Int64 = 0
    package var table = ""
    package var spec = MutateSpec()
    package var cells: Value?

    package init(namespace: Int64 = 0, table: String = "", spec: MutateSpec = MutateSpec(), cells: Value? = nil) {
        self.namespace = namespace
        self.table = table
        self.spec = spec
        self.cells = cells
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, namespace)
        writer.writeField(2, table)
        writer.writeField(3, spec)
        writer.writeField(4, cells)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> SharedMutatorArguments {
        var arguments = SharedMutatorArguments()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.namespace = try reader.read(Int64.self, for: field, in: "shared_mutator_args")
            case 2: arguments.table = try reader.read(String.self, for: field, in: "shared_mutator_args")
            case 3: arguments.spec = try reader.read(MutateSpec.self, for: field, in: "shared_mutator_args")
            case 4: arguments.cells = try reader.read(Value.self, for: field, in: "shared_mutator_args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `(1: Namespace ns, 2: string table_name, 3: Future future, 4: T)`:
/// async_scanner_open (ScanSpec scan_spec) and async_mutator_open (i32 flags = 0).
package struct AsyncOpenArguments<Value: ThriftCodable> {
    package var namespace: Int64 = 0
    package var table = ""
    package var future: Int64 = 0
    package var value: Value

    package init(namespace: Int64 = 0, table: String = "", future: Int64 = 0, value: Value) {
        self.namespace = namespace
        self.table = table
        self.future = future
        self.value = value
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, namespace)
        writer.writeField(2, table)
        writer.writeField(3, future)
        writer.writeField(4, value)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader, defaultValue: Value) throws -> AsyncOpenArguments {
        var arguments = AsyncOpenArguments(value: defaultValue)
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.namespace = try reader.read(Int64.self, for: field, in: "async_open_args")
            case 2: arguments.table = try reader.read(String.self, for: field, in: "async_open_args")
            case 3: arguments.future = try reader.read(Int64.self, for: field, in: "async_open_args")
            case 4: arguments.value = try reader.read(Value.self, for: field, in: "async_open_args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

/// `create_cell_unique(1: Namespace ns, 2: string table_name, 3: Key key, 4: string value)`.
package struct CreateCellUniqueArguments: ThriftStruct, Equatable {
    package var namespace: Int64 = 0
    package var table = ""
    package var key = Key(row: [])
    package var value = ""

    package init(namespace: Int64 = 0, table: String = "", key: Key = Key(row: []), value: String = "") {
        self.namespace = namespace
        self.table = table
        self.key = key
        self.value = value
    }

    package func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, namespace)
        writer.writeField(2, table)
        writer.writeField(3, key)
        writer.writeField(4, value)
        writer.writeFieldStop()
    }

    package static func read(from reader: inout ThriftBinaryReader) throws -> CreateCellUniqueArguments {
        var arguments = CreateCellUniqueArguments()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: arguments.namespace = try reader.read(Int64.self, for: field, in: "create_cell_unique_args")
            case 2: arguments.table = try reader.read(String.self, for: field, in: "create_cell_unique_args")
            case 3: arguments.key = try reader.read(Key.self, for: field, in: "create_cell_unique_args")
            case 4: arguments.value = try reader.read(String.self, for: field, in: "create_cell_unique_args")
            default: return false
            }
            return true
        }
        return arguments
    }
}

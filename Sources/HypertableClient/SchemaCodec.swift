import Thrift

// Thrift encoding of a table schema (`Schema`, `AccessGroupSpec`, `ColumnFamilySpec` and their
// options), both directions, by the rules `BrokerTypesCodec.swift` states for every broker type.

extension ColumnFamilyOptions: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, maxVersions)
        writer.writeField(2, ttl)
        writer.writeField(3, timeOrderDesc)
        writer.writeField(4, counter)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> ColumnFamilyOptions {
        var options = ColumnFamilyOptions()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: options.maxVersions = try reader.read(Int32.self, for: field, in: "ColumnFamilyOptions")
            case 2: options.ttl = try reader.read(Int32.self, for: field, in: "ColumnFamilyOptions")
            case 3: options.timeOrderDesc = try reader.read(Bool.self, for: field, in: "ColumnFamilyOptions")
            case 4: options.counter = try reader.read(Bool.self, for: field, in: "ColumnFamilyOptions")
            default: return false
            }
            return true
        }
        return options
    }
}

extension ColumnFamilySpec: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, name)
        writer.writeField(2, accessGroup)
        writer.writeField(3, deleted)
        writer.writeField(4, generation)
        writer.writeField(5, id)
        writer.writeField(6, valueIndex)
        writer.writeField(7, qualifierIndex)
        writer.writeField(8, options)
        writer.writeFieldStop()
    }

    /// Missing default-requiredness fields read as the generated C++ constructor leaves them:
    /// empty strings and false (not the Swift initializer's "default" access group).
    public static func read(from reader: inout ThriftBinaryReader) throws -> ColumnFamilySpec {
        var spec = ColumnFamilySpec(name: "", accessGroup: "")
        let name = "ColumnFamilySpec"
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: spec.name = try reader.read(String.self, for: field, in: name)
            case 2: spec.accessGroup = try reader.read(String.self, for: field, in: name)
            case 3: spec.deleted = try reader.read(Bool.self, for: field, in: name)
            case 4: spec.generation = try reader.read(Int64.self, for: field, in: name)
            case 5: spec.id = try reader.read(Int32.self, for: field, in: name)
            case 6: spec.valueIndex = try reader.read(Bool.self, for: field, in: name)
            case 7: spec.qualifierIndex = try reader.read(Bool.self, for: field, in: name)
            case 8: spec.options = try reader.read(ColumnFamilyOptions.self, for: field, in: name)
            default: return false
            }
            return true
        }
        return spec
    }
}

extension AccessGroupOptions: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, replication)
        writer.writeField(2, blockSize)
        writer.writeField(3, compressor)
        writer.writeField(4, bloomFilter)
        writer.writeField(5, inMemory)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> AccessGroupOptions {
        var options = AccessGroupOptions()
        let name = "AccessGroupOptions"
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: options.replication = try reader.read(Int16.self, for: field, in: name)
            case 2: options.blockSize = try reader.read(Int32.self, for: field, in: name)
            case 3: options.compressor = try reader.read(String.self, for: field, in: name)
            case 4: options.bloomFilter = try reader.read(String.self, for: field, in: name)
            case 5: options.inMemory = try reader.read(Bool.self, for: field, in: name)
            default: return false
            }
            return true
        }
        return options
    }
}

extension AccessGroupSpec: ThriftStruct {
    public func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(1, name)
        writer.writeField(2, generation)
        writer.writeField(3, options)
        writer.writeField(4, defaults)
        writer.writeFieldStop()
    }

    public static func read(from reader: inout ThriftBinaryReader) throws -> AccessGroupSpec {
        var spec = AccessGroupSpec(name: "")
        try reader.readStruct { reader, field in
            switch field.id {
            case 1: spec.name = try reader.read(String.self, for: field, in: "AccessGroupSpec")
            case 2: spec.generation = try reader.read(Int64.self, for: field, in: "AccessGroupSpec")
            case 3: spec.options = try reader.read(AccessGroupOptions.self, for: field, in: "AccessGroupSpec")
            case 4: spec.defaults = try reader.read(ColumnFamilyOptions.self, for: field, in: "AccessGroupSpec")
            default: return false
            }
            return true
        }
        return spec
    }
}

extension Schema: ThriftStruct {
    /// Maps are written in key order, so the same schema always gives the same bytes.
    public func write(to writer: inout ThriftBinaryWriter) {
        if !accessGroups.isEmpty {
            writer.writeMapField(1, accessGroups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        if !columnFamilies.isEmpty {
            writer.writeMapField(2, columnFamilies.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        writer.writeField(3, generation)
        writer.writeField(4, version)
        writer.writeField(5, groupCommitInterval)
        writer.writeField(6, accessGroupDefaults)
        writer.writeField(7, columnFamilyDefaults)
        writer.writeFieldStop()
    }

    /// A repeated map key keeps the last value, as generated code's map assignment does.
    public static func read(from reader: inout ThriftBinaryReader) throws -> Schema {
        var schema = Schema()
        try reader.readStruct { reader, field in
            switch field.id {
            case 1:
                let pairs = try reader.readMap(String.self, AccessGroupSpec.self, for: field, in: "Schema")
                schema.accessGroups = Dictionary(pairs, uniquingKeysWith: { _, last in last })
            case 2:
                let pairs = try reader.readMap(String.self, ColumnFamilySpec.self, for: field, in: "Schema")
                schema.columnFamilies = Dictionary(pairs, uniquingKeysWith: { _, last in last })
            case 3: schema.generation = try reader.read(Int64.self, for: field, in: "Schema")
            case 4: schema.version = try reader.read(Int32.self, for: field, in: "Schema")
            case 5: schema.groupCommitInterval = try reader.read(Int32.self, for: field, in: "Schema")
            case 6: schema.accessGroupDefaults = try reader.read(AccessGroupOptions.self, for: field, in: "Schema")
            case 7: schema.columnFamilyDefaults = try reader.read(ColumnFamilyOptions.self, for: field, in: "Schema")
            default: return false
            }
            return true
        }
        return schema
    }
}

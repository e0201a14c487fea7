import Foundation
import HypertableClient

/// A table schema (Client.thrift `struct Schema`) as JSON, both ways:
///
///     {"column_families": {"cf": {"access_group": "default", "max_versions": 3, "ttl": 86400,
///                                 "time_order_desc": false, "counter": false,
///                                 "value_index": false, "qualifier_index": false}},
///      "access_groups": {"default": {"in_memory": false, "blocksize": 65536, "replication": 3,
///                                    "compressor": "lz4", "bloom_filter": "rows",
///                                    "defaults": {"max_versions": 1}}},
///      "group_commit_interval": 0,
///      "access_group_defaults": {...}, "column_family_defaults": {...}}
///
/// For creation `column_families` may also be a list of names (`["a", "b"]`), and every access
/// group a family names but the body does not define is created with default options, as
/// HQL's CREATE TABLE does. `id` and `generation` are written on reads and ignored on writes.
enum SchemaJSON {
    // MARK: writing

    static func write(_ schema: Schema, table: String, into json: inout JSONWriter) {
        json.beginObject()
        json.field("table", table)
        if let generation = schema.generation { json.field("generation", String(generation)) }
        json.key("column_families")
        json.beginObject()
        let families = schema.columnFamilies.values.filter { !$0.deleted }
            .sorted { ($0.id ?? Int32.max, $0.name) < ($1.id ?? Int32.max, $1.name) }
        for family in families {
            json.key(family.name)
            json.beginObject()
            if let id = family.id { json.field("id", Int(id)) }
            json.field("access_group", family.accessGroup)
            if let options = family.options { writeFamilyOptions(options, into: &json) }
            json.field("value_index", family.valueIndex)
            json.field("qualifier_index", family.qualifierIndex)
            json.endObject()
        }
        json.endObject()
        json.key("access_groups")
        json.beginObject()
        for name in schema.accessGroups.keys.sorted() {
            guard let group = schema.accessGroups[name] else { continue }
            json.key(name)
            json.beginObject()
            if let options = group.options { writeGroupOptions(options, into: &json) }
            if let defaults = group.defaults {
                json.key("defaults")
                json.beginObject()
                writeFamilyOptions(defaults, into: &json)
                json.endObject()
            }
            json.endObject()
        }
        json.endObject()
        if let interval = schema.groupCommitInterval { json.field("group_commit_interval", Int(interval)) }
        if let defaults = schema.accessGroupDefaults {
            json.key("access_group_defaults")
            json.beginObject()
            writeGroupOptions(defaults, into: &json)
            json.endObject()
        }
        if let defaults = schema.columnFamilyDefaults {
            json.key("column_family_defaults")
            json.beginObject()
            writeFamilyOptions(defaults, into: &json)
            json.endObject()
        }
        json.endObject()
    }

    static func writeFamilyOptions(_ options: ColumnFamilyOptions, into json: inout JSONWriter) {
        if let value = options.maxVersions { json.field("max_versions", Int(value)) }
        if let value = options.ttl { json.field("ttl", Int(value)) }
        if let value = options.timeOrderDesc { json.field("time_order_desc", value) }
        if let value = options.counter { json.field("counter", value) }
    }

    static func writeGroupOptions(_ options: AccessGroupOptions, into json: inout JSONWriter) {
        if let value = options.replication { json.field("replication", Int(value)) }
        if let value = options.blockSize { json.field("blocksize", Int(value)) }
        if let value = options.compressor { json.field("compressor", value) }
        if let value = options.bloomFilter { json.field("bloom_filter", value) }
        if let value = options.inMemory { json.field("in_memory", value) }
    }

    // MARK: reading

    static func schema(from body: [UInt8]) throws -> Schema {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(ByteOrderMark.stripped(body)), options: [])
        } catch {
            throw Problem.badRequest("the schema is not valid JSON")
        }
        guard let root = object as? [String: Any] else {
            throw Problem.badRequest("expected a JSON object with \"column_families\"")
        }
        try onlyKeys(root, ["table", "generation", "column_families", "access_groups", "group_commit_interval",
                            "access_group_defaults", "column_family_defaults"], in: "schema")
        var schema = Schema()
        switch root["column_families"] {
        case let names as [Any]:
            for case let name as String in names { schema.columnFamilies[name] = ColumnFamilySpec(name: name) }
            guard schema.columnFamilies.count == names.count else {
                throw Problem.badRequest("column_families: a list must hold distinct names (strings)")
            }
        case let families as [String: Any]:
            for (name, value) in families {
                guard let spec = value as? [String: Any] else {
                    throw Problem.badRequest("column_families.\(name) must be an object")
                }
                schema.columnFamilies[name] = try family(name, spec)
            }
        default:
            throw Problem.badRequest("\"column_families\" is required: an object by name, or a list of names")
        }
        guard !schema.columnFamilies.isEmpty else {
            throw Problem.badRequest("a table needs at least one column family")
        }
        for name in schema.columnFamilies.keys {
            guard isValidName(name) else {
                throw Problem.badRequest("column family name \"\(name)\" must be letters, digits, _ or -, starting with a letter or _")
            }
        }
        if let groups = root["access_groups"] {
            guard let groups = groups as? [String: Any] else {
                throw Problem.badRequest("\"access_groups\" must be an object by name")
            }
            for (name, value) in groups {
                guard isValidName(name) else { throw Problem.badRequest("access group name \"\(name)\" is not valid") }
                guard let spec = value as? [String: Any] else {
                    throw Problem.badRequest("access_groups.\(name) must be an object")
                }
                try onlyKeys(spec, groupOptionKeys.union(["defaults", "generation"]), in: "access_groups.\(name)")
                var group = AccessGroupSpec(name: name, options: try groupOptions(spec, in: "access_groups.\(name)"))
                if let defaults = spec["defaults"] {
                    guard let defaults = defaults as? [String: Any] else {
                        throw Problem.badRequest("access_groups.\(name).defaults must be an object")
                    }
                    try onlyKeys(defaults, familyOptionKeys, in: "access_groups.\(name).defaults")
                    group.defaults = try familyOptions(defaults, in: "access_groups.\(name).defaults")
                }
                schema.accessGroups[name] = group
            }
        }
        for family in schema.columnFamilies.values where schema.accessGroups[family.accessGroup] == nil {
            guard isValidName(family.accessGroup) else {
                throw Problem.badRequest("access group name \"\(family.accessGroup)\" is not valid")
            }
            schema.accessGroups[family.accessGroup] = AccessGroupSpec(name: family.accessGroup)
        }
        if let interval = root["group_commit_interval"] {
            schema.groupCommitInterval = try int32(interval, "group_commit_interval", range: 0...Int32.max)
        }
        if let defaults = root["access_group_defaults"] {
            guard let defaults = defaults as? [String: Any] else {
                throw Problem.badRequest("access_group_defaults must be an object")
            }
            try onlyKeys(defaults, groupOptionKeys, in: "access_group_defaults")
            schema.accessGroupDefaults = try groupOptions(defaults, in: "access_group_defaults")
        }
        if let defaults = root["column_family_defaults"] {
            guard let defaults = defaults as? [String: Any] else {
                throw Problem.badRequest("column_family_defaults must be an object")
            }
            try onlyKeys(defaults, familyOptionKeys, in: "column_family_defaults")
            schema.columnFamilyDefaults = try familyOptions(defaults, in: "column_family_defaults")
        }
        return schema
    }

    static let familyOptionKeys: Set<String> = ["max_versions", "ttl", "time_order_desc", "counter"]
    static let groupOptionKeys: Set<String> = ["replication", "blocksize", "compressor", "bloom_filter", "in_memory"]

    static func family(_ name: String, _ spec: [String: Any]) throws -> ColumnFamilySpec {
        let path = "column_families.\(name)"
        try onlyKeys(spec, familyOptionKeys.union(["access_group", "value_index", "qualifier_index", "id"]), in: path)
        var family = ColumnFamilySpec(name: name)
        if let group = spec["access_group"] {
            guard let group = group as? String, !group.isEmpty else {
                throw Problem.badRequest("\(path).access_group must be a non-empty string")
            }
            family.accessGroup = group
        }
        family.valueIndex = try spec["value_index"].map { try bool($0, "\(path).value_index") } ?? false
        family.qualifierIndex = try spec["qualifier_index"].map { try bool($0, "\(path).qualifier_index") } ?? false
        let options = try familyOptions(spec, in: path)
        if options != ColumnFamilyOptions() { family.options = options }
        return family
    }

    static func familyOptions(_ spec: [String: Any], in path: String) throws -> ColumnFamilyOptions {
        ColumnFamilyOptions(
            maxVersions: try spec["max_versions"].map { try int32($0, "\(path).max_versions", range: 0...Int32.max) },
            ttl: try spec["ttl"].map { try int32($0, "\(path).ttl", range: 0...Int32.max) },
            timeOrderDesc: try spec["time_order_desc"].map { try bool($0, "\(path).time_order_desc") },
            counter: try spec["counter"].map { try bool($0, "\(path).counter") })
    }

    static func groupOptions(_ spec: [String: Any], in path: String) throws -> AccessGroupOptions {
        AccessGroupOptions(
            replication: try spec["replication"].map { Int16(try int32($0, "\(path).replication", range: 0...Int32(Int16.max))) },
            blockSize: try spec["blocksize"].map { try int32($0, "\(path).blocksize", range: 1...Int32.max) },
            compressor: try spec["compressor"].map { try string($0, "\(path).compressor") },
            bloomFilter: try spec["bloom_filter"].map { try string($0, "\(path).bloom_filter") },
            inMemory: try spec["in_memory"].map { try bool($0, "\(path).in_memory") })
    }

    static func onlyKeys(_ object: [String: Any], _ allowed: Set<String>, in path: String) throws {
        for key in object.keys where !allowed.contains(key) {
            throw Problem.badRequest("\(path): unknown member \"\(key)\"; expected "
                                     + allowed.sorted().joined(separator: ", "))
        }
    }

    /// Hypertable's identifier rule for family and group names (HQL `identifier`).
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 255,
              first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
        }
    }

    static func isBoolean(_ number: NSNumber) -> Bool {
        // swift-corelibs-foundation parses JSON true/false as NSNumber backed by Bool.
        String(cString: number.objCType) == "c"
    }

    /// A JSON number that is an integer in JSON Schema's sense (2.0 is one): the exact Int64,
    /// or nil for a fraction, a boolean, or a float too large to be exact (beyond 2^53).
    static func exactInteger(_ number: NSNumber) -> Int64? {
        if isBoolean(number) { return nil }
        if String(describing: number) == String(number.int64Value) { return number.int64Value }
        let value = number.doubleValue
        guard value == value.rounded(), abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }

    static func int32(_ value: Any, _ path: String, range: ClosedRange<Int32>) throws -> Int32 {
        if let number = value as? NSNumber, !isBoolean(number), let exact = Int32(exactly: number.doubleValue),
           range.contains(exact) {
            return exact
        }
        throw Problem.badRequest("\(path) must be an integer from \(range.lowerBound) to \(range.upperBound)")
    }

    static func bool(_ value: Any, _ path: String) throws -> Bool {
        if let number = value as? NSNumber, isBoolean(number) { return number.boolValue }
        throw Problem.badRequest("\(path) must be true or false")
    }

    static func string(_ value: Any, _ path: String) throws -> String {
        if let text = value as? String { return text }
        throw Problem.badRequest("\(path) must be a string")
    }
}

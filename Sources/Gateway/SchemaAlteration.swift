import Foundation
import HypertableClient

/// The body of `PATCH /ns/{ns}/tables/{table}` applied to the table's current schema, giving
/// the whole schema `table_alter` takes:
///
///     {"add_access_groups": {"hot": {"in_memory": true}},
///      "modify_access_groups": {"default": {"blocksize": 131072}},
///      "drop_column_families": ["old"],
///      "rename_column_families": {"a": "b"},
///      "modify_column_families": {"cf": {"max_versions": 3, "ttl": 86400}},
///      "add_column_families": {"new": {"access_group": "hot", "max_versions": 1}}}
///
/// Applied in that order; every member is optional but one must be there. Families and
/// groups are written as in `SchemaJSON`; a modification sets only the options it names. A
/// renamed family keeps its id, which is how the broker tells a rename (cells kept) from a
/// drop and an add. Conflicts are found here, before the broker is called, so that the
/// answer names the family: `SchemaReferenceError`.
struct SchemaAlteration {
    static let members: Set<String> = [
        "add_access_groups", "modify_access_groups", "drop_column_families", "rename_column_families",
        "modify_column_families", "add_column_families",
    ]

    private let root: [String: Any]

    init(body: [UInt8]) throws {
        let object = try CellInput.parse(Data(body), what: "the body")
        guard let root = object as? [String: Any] else {
            throw Problem.badRequest("expected a JSON object with one or more of " + Self.members.sorted().joined(separator: ", "))
        }
        try SchemaJSON.onlyKeys(root, Self.members, in: "the body")
        guard !root.isEmpty else {
            throw Problem.badRequest("nothing to change: give one or more of " + Self.members.sorted().joined(separator: ", "))
        }
        self.root = root
    }

    /// `current` (as `get_schema` answered it) with the changes applied.
    func apply(to current: Schema) throws -> Schema {
        var schema = current
        schema.columnFamilies = current.columnFamilies.filter { !$0.value.deleted }

        for (name, spec) in try objects("add_access_groups") {
            guard schema.accessGroups[name] == nil else { throw SchemaReferenceError.accessGroupExists(name) }
            guard SchemaJSON.isValidName(name) else { throw Problem.badRequest("access group name \"\(name)\" is not valid") }
            schema.accessGroups[name] = try Self.group(name, spec, base: AccessGroupSpec(name: name),
                                                       path: "add_access_groups.\(name)")
        }
        for (name, spec) in try objects("modify_access_groups") {
            guard let existing = schema.accessGroups[name] else { throw SchemaReferenceError.accessGroupNotFound(name) }
            schema.accessGroups[name] = try Self.group(name, spec, base: existing, path: "modify_access_groups.\(name)")
        }
        for name in try names("drop_column_families") {
            guard schema.columnFamilies.removeValue(forKey: name) != nil else {
                throw SchemaReferenceError.columnFamilyNotFound(name)
            }
        }
        for (from, target) in try objects("rename_column_families", as: String.self) {
            guard var family = schema.columnFamilies[from] else { throw SchemaReferenceError.columnFamilyNotFound(from) }
            guard SchemaJSON.isValidName(target) else {
                throw Problem.badRequest("column family name \"\(target)\" must be letters, digits, _ or -, starting with a letter or _")
            }
            guard schema.columnFamilies[target] == nil else { throw SchemaReferenceError.columnFamilyExists(target) }
            schema.columnFamilies[from] = nil
            family.name = target
            schema.columnFamilies[target] = family
        }
        for (name, spec) in try objects("modify_column_families") {
            guard var family = schema.columnFamilies[name] else { throw SchemaReferenceError.columnFamilyNotFound(name) }
            let path = "modify_column_families.\(name)"
            try SchemaJSON.onlyKeys(spec, SchemaJSON.familyOptionKeys, in: path)
            family.options = Self.merge(family.options ?? ColumnFamilyOptions(),
                                        try SchemaJSON.familyOptions(spec, in: path))
            schema.columnFamilies[name] = family
        }
        for (name, spec) in try objects("add_column_families") {
            guard schema.columnFamilies[name] == nil else { throw SchemaReferenceError.columnFamilyExists(name) }
            guard SchemaJSON.isValidName(name) else {
                throw Problem.badRequest("column family name \"\(name)\" must be letters, digits, _ or -, starting with a letter or _")
            }
            var family = try SchemaJSON.family(name, spec)
            family.id = nil
            if schema.accessGroups[family.accessGroup] == nil {
                guard SchemaJSON.isValidName(family.accessGroup) else {
                    throw Problem.badRequest("access group name \"\(family.accessGroup)\" is not valid")
                }
                schema.accessGroups[family.accessGroup] = AccessGroupSpec(name: family.accessGroup)
            }
            schema.columnFamilies[name] = family
        }
        return schema
    }

    private static func group(_ name: String, _ spec: [String: Any], base: AccessGroupSpec,
                              path: String) throws -> AccessGroupSpec {
        try SchemaJSON.onlyKeys(spec, SchemaJSON.groupOptionKeys.union(["defaults"]), in: path)
        var group = base
        let options = try SchemaJSON.groupOptions(spec, in: path)
        var merged = group.options ?? AccessGroupOptions()
        merged.replication = options.replication ?? merged.replication
        merged.blockSize = options.blockSize ?? merged.blockSize
        merged.compressor = options.compressor ?? merged.compressor
        merged.bloomFilter = options.bloomFilter ?? merged.bloomFilter
        merged.inMemory = options.inMemory ?? merged.inMemory
        group.options = merged
        if let defaults = spec["defaults"] {
            guard let defaults = defaults as? [String: Any] else {
                throw Problem.badRequest("\(path).defaults must be an object")
            }
            try SchemaJSON.onlyKeys(defaults, SchemaJSON.familyOptionKeys, in: "\(path).defaults")
            group.defaults = merge(group.defaults ?? ColumnFamilyOptions(),
                                   try SchemaJSON.familyOptions(defaults, in: "\(path).defaults"))
        }
        return group
    }

    private static func merge(_ base: ColumnFamilyOptions, _ change: ColumnFamilyOptions) -> ColumnFamilyOptions {
        ColumnFamilyOptions(maxVersions: change.maxVersions ?? base.maxVersions, ttl: change.ttl ?? base.ttl,
                            timeOrderDesc: change.timeOrderDesc ?? base.timeOrderDesc,
                            counter: change.counter ?? base.counter)
    }

    /// `member` as name -> object pairs, sorted by name so errors are deterministic.
    private func objects(_ member: String) throws -> [(String, [String: Any])] {
        try objects(member, as: [String: Any].self)
    }

    private func objects<T>(_ member: String, as: T.Type) throws -> [(String, T)] {
        guard let value = root[member] else { return [] }
        guard let object = value as? [String: Any] else {
            throw Problem.badRequest("\(member) must be an object by name")
        }
        return try object.keys.sorted().map { name in
            guard let typed = object[name] as? T else {
                throw Problem.badRequest("\(member).\(name) must be " + (T.self == String.self ? "a string" : "an object"))
            }
            return (name, typed)
        }
    }

    private func names(_ member: String) throws -> [String] {
        guard let value = root[member] else { return [] }
        guard let list = value as? [Any], list.allSatisfy({ $0 is String }) else {
            throw Problem.badRequest("\(member) must be an array of names")
        }
        return list.compactMap { $0 as? String }
    }
}

import HQL
import HypertableClient

/// One column family of an emulated table. Ids start at 1 and are never reused, so cells
/// of a dropped family stay invisible; within a row cells sort by this id (as in Hypertable).
struct FamilyDefinition: Sendable, Hashable {
    var name: String
    var id: Int32
    var accessGroup: String
    var options: ColumnFamilyOptions
    var deleted = false
    var valueIndex = false
    var qualifierIndex = false
    var generation: Int64
}

struct AccessGroupDefinition: Sendable, Hashable {
    var name: String
    var options: AccessGroupOptions
    var defaults: ColumnFamilyOptions
    var generation: Int64
}

/// A table's schema: access groups in declaration order, families by id.
struct TableSchema: Sendable, Hashable {
    var accessGroups: [AccessGroupDefinition] = []
    var families: [FamilyDefinition] = []
    var accessGroupDefaults = AccessGroupOptions()
    var familyDefaults = ColumnFamilyOptions()
    var groupCommitInterval: Int32 = 0
    var generation: Int64 = 1
    var nextFamilyID: Int32 = 1
    /// `Schema::m_version`, rendered when not 0: the Master gives the schemas of the index
    /// tables it creates version 1; a table's own schema has none.
    var version: Int32 = 0

    func family(named name: String) -> FamilyDefinition? {
        families.first { $0.name == name && !$0.deleted }
    }

    func family(id: Int32) -> FamilyDefinition? {
        families.first { $0.id == id }
    }

    /// Effective MAX_VERSIONS / TTL of a family: its own, else its group's, else the table's.
    func effectiveOptions(_ family: FamilyDefinition) -> ColumnFamilyOptions {
        var o = family.options
        let group = accessGroups.first { $0.name == family.accessGroup }?.defaults ?? ColumnFamilyOptions()
        o.maxVersions = o.maxVersions ?? group.maxVersions ?? familyDefaults.maxVersions
        o.ttl = o.ttl ?? group.ttl ?? familyDefaults.ttl
        o.counter = o.counter ?? group.counter ?? familyDefaults.counter
        return o
    }

    // MARK: building

    static func badSchema(_ message: String) -> ClientException {
        ClientException(.badSchema, message)
    }

    mutating func addAccessGroup(_ name: String, options: AccessGroupOptions = .init(),
                                 defaults: ColumnFamilyOptions = .init()) throws(ClientException) {
        guard !accessGroups.contains(where: { $0.name == name }) else {
            throw Self.badSchema("Access group '\(name)' multiply defined")
        }
        try AccessGroupSpecSyntax.validate(options)
        // Like Hypertable's schema validation, a group takes the table's access group
        // defaults for the options it does not set (SHOW CREATE TABLE then shows them).
        var merged = options
        merged.replication = merged.replication ?? accessGroupDefaults.replication
        merged.blockSize = merged.blockSize ?? accessGroupDefaults.blockSize
        merged.compressor = merged.compressor ?? accessGroupDefaults.compressor
        merged.bloomFilter = merged.bloomFilter ?? accessGroupDefaults.bloomFilter
        merged.inMemory = merged.inMemory ?? accessGroupDefaults.inMemory
        accessGroups.append(AccessGroupDefinition(name: name, options: merged, defaults: defaults,
                                                  generation: generation))
    }

    mutating func addFamily(_ name: String, accessGroup: String, options: ColumnFamilyOptions,
                            valueIndex: Bool = false, qualifierIndex: Bool = false) throws(ClientException) {
        guard !name.isEmpty, !name.contains(":") else {
            throw Self.badSchema("Invalid column family name '\(name)'")
        }
        guard family(named: name) == nil else {
            throw Self.badSchema("Column family '\(name)' multiply defined")
        }
        if !accessGroups.contains(where: { $0.name == accessGroup }) {
            try addAccessGroup(accessGroup)
        }
        guard nextFamilyID < 256 else {
            throw ClientException(.tooManyColumns, "Attempt to add > 255 column families to table")
        }
        // A family takes its group's column family defaults, then the table's, for what it
        // does not set itself.
        let group = accessGroups.first { $0.name == accessGroup }?.defaults ?? ColumnFamilyOptions()
        var merged = options
        merged.maxVersions = merged.maxVersions ?? group.maxVersions ?? familyDefaults.maxVersions
        merged.ttl = merged.ttl ?? group.ttl ?? familyDefaults.ttl
        merged.timeOrderDesc = merged.timeOrderDesc ?? group.timeOrderDesc ?? familyDefaults.timeOrderDesc
        merged.counter = merged.counter ?? group.counter ?? familyDefaults.counter
        families.append(FamilyDefinition(name: name, id: nextFamilyID, accessGroup: accessGroup, options: merged,
                                         valueIndex: valueIndex, qualifierIndex: qualifierIndex,
                                         generation: generation))
        nextFamilyID += 1
    }

    /// From `CREATE TABLE` / `ALTER TABLE ... ADD`: groups first (ids follow declaration
    /// order), then families declared outside any group go to `default`.
    mutating func add(families definitions: [HQLColumnFamilyDefinition],
                      accessGroups groups: [HQLAccessGroupDefinition]) throws(ClientException) {
        var byName: [String: HQLColumnFamilyDefinition] = [:]
        for d in definitions {
            guard byName[d.name] == nil else { throw Self.badSchema("Column family '\(d.name)' multiply defined") }
            byName[d.name] = d
        }
        var placed: Set<String> = []
        for g in groups {
            try addAccessGroup(g.name, options: Self.convert(g.options), defaults: Self.convert(g.columnFamilyDefaults))
            for member in g.columnFamilies {
                guard !placed.contains(member.name) else {
                    throw Self.badSchema("Column family '\(member.name)' in more than one access group")
                }
                placed.insert(member.name)
                let declared = byName[member.name]
                var options = declared?.options ?? HQLColumnFamilyOptions()
                if member.options != HQLColumnFamilyOptions() { options = member.options }
                try addFamily(member.name, accessGroup: g.name, options: Self.convert(options),
                              valueIndex: declared?.valueIndex ?? false, qualifierIndex: declared?.qualifierIndex ?? false)
            }
        }
        for d in definitions where !placed.contains(d.name) {
            // `INDEX b` names a family; Hypertable creates none from it.
            if d.indexOnly { throw ClientException(.hqlBadCommand, "Reference to undefined column '\(d.name)'") }
            try addFamily(d.name, accessGroup: "default", options: Self.convert(d.options),
                          valueIndex: d.valueIndex, qualifierIndex: d.qualifierIndex)
        }
    }

    /// Hypertable builds a modified access group anew from its member list
    /// (`finish_alter_table_statement`): the members in the order listed, then the families
    /// this ALTER adds to the group, then the group's other families (dropped ones) in their
    /// old order. A group lists its families in that order from then on (DESCRIBE TABLE, SHOW
    /// CREATE TABLE), so a family dropped earlier can come after one listed.
    /// - Parameter before: the schema before the ALTER, which says what a member name meant.
    mutating func orderFamilies(ofModifiedGroup group: String, members: [String], before: TableSchema) {
        let slots = families.indices.filter { families[$0].accessGroup == group }
        let current = slots.map { families[$0] }
        let existed = Set(before.families.map(\.id))
        var ordered: [FamilyDefinition] = []
        var placed: Set<Int32> = []
        for name in members {
            guard let id = before.family(named: name)?.id, let f = current.first(where: { $0.id == id }),
                  placed.insert(id).inserted else { continue }
            ordered.append(f)
        }
        for f in current where !existed.contains(f.id) && placed.insert(f.id).inserted { ordered.append(f) }
        for f in current where placed.insert(f.id).inserted { ordered.append(f) }
        for (slot, f) in zip(slots, ordered) { families[slot] = f }
    }

    init() {}

    init(_ create: HQLCreateTable) throws(ClientException) {
        accessGroupDefaults = Self.convert(create.accessGroupDefaults)
        try AccessGroupSpecSyntax.validate(accessGroupDefaults)
        familyDefaults = Self.convert(create.columnFamilyDefaults)
        groupCommitInterval = create.groupCommitInterval ?? 0
        try add(families: create.columnFamilies, accessGroups: create.accessGroups)
    }

    /// From the Thrift `Schema` (table_create): groups by name, families in id order when
    /// given, else by name.
    init(_ schema: Schema) throws(ClientException) {
        accessGroupDefaults = schema.accessGroupDefaults ?? AccessGroupOptions()
        try AccessGroupSpecSyntax.validate(accessGroupDefaults)
        familyDefaults = schema.columnFamilyDefaults ?? ColumnFamilyOptions()
        groupCommitInterval = schema.groupCommitInterval ?? 0
        try Self.checkAccessGroupReferences(schema)
        // ThriftBroker's `convert_schema` always adds a "default" group when none is given.
        for name in Set(schema.accessGroups.keys).union(["default"]).sorted() {
            let g = schema.accessGroups[name] ?? AccessGroupSpec(name: name)
            try addAccessGroup(name, options: g.options ?? AccessGroupOptions(), defaults: g.defaults ?? ColumnFamilyOptions())
        }
        let specs = schema.columnFamilies.values.filter { !$0.deleted }
            .sorted { ($0.id ?? Int32.max, $0.name) < ($1.id ?? Int32.max, $1.name) }
        for spec in specs {
            try addFamily(spec.name, accessGroup: spec.accessGroup.isEmpty ? "default" : spec.accessGroup,
                          options: spec.options ?? ColumnFamilyOptions(), valueIndex: spec.valueIndex,
                          qualifierIndex: spec.qualifierIndex)
        }
    }

    /// ThriftBroker's `convert_schema`: a family may name "default" (or no group) or a group
    /// the Schema struct defines (table_alter too: it sends the whole schema); any other is BAD_SCHEMA.
    static func checkAccessGroupReferences(_ schema: Schema) throws(ClientException) {
        let defined = Set(schema.accessGroups.keys).union(["default"])
        for spec in schema.columnFamilies.values.sorted(by: { $0.name < $1.name }) where !spec.deleted {
            let group = spec.accessGroup.isEmpty ? "default" : spec.accessGroup
            if !defined.contains(group) {
                throw badSchema("Undefined access group '\(group)' referenced by column '\(spec.name)'")
            }
        }
    }

    static func convert(_ o: HQLColumnFamilyOptions) -> ColumnFamilyOptions {
        ColumnFamilyOptions(maxVersions: o.maxVersions, ttl: o.ttl, timeOrderDesc: o.timeOrderDesc, counter: o.counter)
    }

    static func convert(_ o: HQLAccessGroupOptions) -> AccessGroupOptions {
        AccessGroupOptions(replication: o.replication, blockSize: o.blockSize, compressor: o.compressor,
                           bloomFilter: o.bloomFilter, inMemory: o.inMemory)
    }

    // MARK: rendering

    /// The Thrift `Schema` struct (get_schema).
    var thriftSchema: Schema {
        var schema = Schema(generation: generation, version: version,
                            groupCommitInterval: groupCommitInterval > 0 ? groupCommitInterval : nil,
                            accessGroupDefaults: accessGroupDefaults, columnFamilyDefaults: familyDefaults)
        for g in accessGroups {
            schema.accessGroups[g.name] = AccessGroupSpec(name: g.name, generation: g.generation, options: g.options,
                                                          defaults: g.defaults)
        }
        for f in families where !f.deleted {
            schema.columnFamilies[f.name] = ColumnFamilySpec(name: f.name, accessGroup: f.accessGroup, deleted: false,
                                                             generation: f.generation, id: f.id,
                                                             valueIndex: f.valueIndex, qualifierIndex: f.qualifierIndex,
                                                             options: f.options)
        }
        return schema
    }

    private static func xml(_ o: ColumnFamilyOptions, _ prefix: String) -> String {
        var s = ""
        if let v = o.maxVersions { s += "\(prefix)<MaxVersions>\(v)</MaxVersions>\n" }
        if let v = o.ttl { s += "\(prefix)<TTL>\(v)</TTL>\n" }
        if let v = o.timeOrderDesc { s += "\(prefix)<TimeOrder>\(v ? "desc" : "asc")</TimeOrder>\n" }
        if let v = o.counter { s += "\(prefix)<Counter>\(v)</Counter>\n" }
        return s
    }

    private static func xml(_ o: AccessGroupOptions, _ prefix: String) -> String {
        var s = ""
        if let v = o.replication { s += "\(prefix)<Replication>\(v)</Replication>\n" }
        if let v = o.blockSize { s += "\(prefix)<BlockSize>\(v)</BlockSize>\n" }
        if let v = o.compressor { s += "\(prefix)<Compressor>\(escapeXML(v))</Compressor>\n" }
        if let v = o.bloomFilter { s += "\(prefix)<BloomFilter>\(escapeXML(v))</BloomFilter>\n" }
        if let v = o.inMemory { s += "\(prefix)<InMemory>\(v)</InMemory>\n" }
        return s
    }

    static func escapeXML(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Hypertable's XML schema (`Schema::render_xml`), as DESCRIBE TABLE and get_schema_str
    /// give it. Dropped families show as `!<id>`, deleted.
    func xml(withIDs: Bool) -> String {
        var s = version != 0 ? "<Schema version=\"\(version)\">\n" : "<Schema>\n"
        if withIDs { s += "  <Generation>\(generation)</Generation>\n" }
        if groupCommitInterval > 0 { s += "  <GroupCommitInterval>\(groupCommitInterval)</GroupCommitInterval>\n" }
        s += "  <AccessGroupDefaults>\n" + Self.xml(accessGroupDefaults, "    ") + "  </AccessGroupDefaults>\n"
        s += "  <ColumnFamilyDefaults>\n" + Self.xml(familyDefaults, "    ") + "  </ColumnFamilyDefaults>\n"
        for g in accessGroups {
            s += "  <AccessGroup name=\"\(Self.escapeXML(g.name))\">\n"
            if withIDs { s += "    <Generation>\(g.generation)</Generation>\n" }
            s += "    <Options>\n" + Self.xml(g.options, "      ") + "    </Options>\n"
            s += "    <ColumnFamilyDefaults>\n" + Self.xml(g.defaults, "      ") + "    </ColumnFamilyDefaults>\n"
            for f in families where f.accessGroup == g.name {
                s += withIDs ? "    <ColumnFamily id=\"\(f.id)\">\n      <Generation>\(f.generation)</Generation>\n"
                             : "    <ColumnFamily>\n"
                s += "      <Name>\(Self.escapeXML(f.deleted ? "!\(f.id)" : f.name))</Name>\n"
                s += "      <AccessGroup>\(Self.escapeXML(g.name))</AccessGroup>\n"
                s += "      <Deleted>\(f.deleted)</Deleted>\n"
                if f.valueIndex { s += "      <Index>true</Index>\n" }
                if f.qualifierIndex { s += "      <QualifierIndex>true</QualifierIndex>\n" }
                s += "      <Options>\n" + Self.xml(f.options, "        ") + "      </Options>\n"
                s += "    </ColumnFamily>\n"
            }
            s += "  </AccessGroup>\n"
        }
        return s + "</Schema>\n"
    }

    private static func quote(_ name: String) -> String {
        guard let first = name.unicodeScalars.first, first.isASCIIAlpha,
              name.unicodeScalars.allSatisfy({ $0.isASCIIAlpha || ("0"..."9").contains($0) }) else {
            return "'" + name + "'"
        }
        return name
    }

    private static func hql(_ o: ColumnFamilyOptions) -> String {
        var s = ""
        if let v = o.maxVersions { s += " MAX_VERSIONS \(v)" }
        if let v = o.ttl { s += " TTL \(v)" }
        if let v = o.timeOrderDesc { s += " TIME_ORDER \(v ? "desc" : "asc")" }
        if let v = o.counter { s += " COUNTER \(v)" }
        return s
    }

    private static func hql(_ o: AccessGroupOptions) -> String {
        var s = ""
        if let v = o.replication { s += " REPLICATION \(v)" }
        if let v = o.blockSize { s += " BLOCKSIZE \(v)" }
        if let v = o.compressor { s += " COMPRESSOR \"\(v)\"" }
        if let v = o.bloomFilter { s += " BLOOMFILTER \"\(v)\"" }
        if let v = o.inMemory { s += " IN_MEMORY \(v)" }
        return s
    }

    /// `SHOW CREATE TABLE` text (`Schema::render_hql`).
    func hql(tableName: String) -> String {
        var s = "CREATE TABLE \(Self.quote(tableName)) (\n"
        for g in accessGroups {
            for f in families where f.accessGroup == g.name && !f.deleted {
                s += "  \(Self.quote(f.name))\(Self.hql(f.options))"
                if f.valueIndex { s += ", INDEX \(Self.quote(f.name))" }
                if f.qualifierIndex { s += ", QUALIFIER INDEX \(Self.quote(f.name))" }
                s += ",\n"
            }
        }
        for (i, g) in accessGroups.enumerated() {
            let members = families.filter { $0.accessGroup == g.name && !$0.deleted }.map { Self.quote($0.name) }
            s += "  ACCESS GROUP \(Self.quote(g.name)) (\(members.joined(separator: ", ")))"
            s += Self.hql(g.options) + Self.hql(g.defaults)
            s += i == accessGroups.count - 1 ? "\n" : ",\n"
        }
        s += ")"
        if groupCommitInterval > 0 { s += " GROUP_COMMIT_INTERVAL \(groupCommitInterval)" }
        return s + Self.hql(accessGroupDefaults) + Self.hql(familyDefaults)
    }
}

extension Unicode.Scalar {
    var isASCIIAlpha: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

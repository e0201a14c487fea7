import HQL
import HypertableClient

/// Runs one parsed HQL statement for a session, in the namespace the statement was sent to,
/// answering as `HqlInterpreter` does through the ThriftBroker: metadata lines in `results`,
/// SELECT cells in `cells` (or a scanner id when unbuffered).
struct HQLExecutor {
    let session: EmulatorSession
    let namespace: String

    var broker: EmulatedBroker { session.broker }

    func execute(_ statement: HQLStatement, unbuffered: Bool) throws(ClientException) -> HQLResult {
        switch statement {
        case .createNamespace(let name, let ifNotExists):
            try broker.createNamespace(NamespacePath.resolve(name, relativeTo: namespace), ifNotExists: ifNotExists)
        case .dropNamespace(let name, let ifExists):
            try broker.dropNamespace(NamespacePath.resolve(name, relativeTo: namespace), ifExists: ifExists)
        case .use(let name):
            let path = NamespacePath.resolve(name, relativeTo: namespace)
            guard broker.namespaceExists(path) else { throw ClientException(.namespaceDoesNotExist, path) }
        case .createTable(let create):
            try broker.createTable(namespace, create.name, schema: try TableSchema(create))
        case .createTableLike(let name, let like):
            var schema = try broker.schema(namespace, like)
            schema.generation = 1
            try broker.createTable(namespace, name, schema: schema)
        case .dropTable(let name, let ifExists):
            try broker.dropTable(namespace, name, ifExists: ifExists)
        case .alterTable(let alter):
            try broker.alterSchema(namespace, alter.name) { (schema) throws(ClientException) in
                try Self.checkModifiedGroupsOnce(alter.actions)
                try Self.checkNewFamiliesJoinOneGroup(alter.actions, schema: schema)
                let before = schema
                for action in Self.mergingAdds(alter.actions) { try Self.apply(action, to: &schema) }
                try Self.checkModifiedGroupMembers(alter.actions, before: before, after: schema)
                for case .modify(_, let groups) in alter.actions {
                    for g in groups where !g.columnFamilies.isEmpty {
                        schema.orderFamilies(ofModifiedGroup: g.name, members: g.columnFamilies.map(\.name), before: before)
                    }
                }
            }
        case .renameTable(let from, let to):
            try broker.renameTable(namespace, from, to: to)
        case .rebuildIndices(let table, let kinds):
            try broker.rebuildIndices(namespace, table, qualifier: kinds.contains(.qualifier), value: kinds.contains(.value))
        case .showTables:
            return HQLResult(results: try broker.tables(namespace))
        case .getListing:
            return HQLResult(results: try broker.listing(namespace).map { $0.isNamespace ? $0.name + "\t(namespace)" : $0.name })
        case .showCreateTable(let name):
            let (_, leaf) = EmulatedBroker.locate(namespace, name)
            return HQLResult(results: [try broker.schema(namespace, name).hql(tableName: leaf) + ";\n"])
        case .describeTable(let name, let withIDs):
            return HQLResult(results: [try broker.schema(namespace, name).xml(withIDs: withIDs)])
        case .existsTable(let name):
            return HQLResult(results: [broker.tableExists(namespace, name) ? "true" : "false"])
        case .insert(let insert):
            try broker.write(namespace, insert.table, cells: insert.cells.map { c in
                Cell(key: Key(row: Self.bytes(c.row), columnFamily: c.columnFamily,
                              columnQualifier: Array((c.columnQualifier ?? "").utf8), timestamp: c.timestamp),
                     value: Self.bytes(c.value))
            })
        case .delete(let delete):
            try broker.write(namespace, delete.table, cells: Self.deleteCells(delete))
        case .select(let query):
            var cursor = try broker.openScan(namespace, query.table) { (schema, name) throws(ClientException) in
                try ScanPlan(query, schema: schema, table: name)
            }
            if unbuffered { return HQLResult(scanner: session.registerScanner(cursor)) }
            return HQLResult(cells: broker.drain(&cursor))
        }
        return HQLResult()
    }

    static func bytes(_ value: HQLValue) -> Bytes {
        switch value {
        case .literal(let s): return Array(s.utf8)
        case .guid: return Array(guid().utf8)
        }
    }

    /// A random (version 4) UUID string, for `GUID()`.
    static func guid() -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    /// DELETE as `cmd_delete` builds it: `*` deletes the row, `cf` the family, `cf:q` the
    /// cell; TIMESTAMP bounds the delete, VERSION deletes exactly one version.
    static func deleteCells(_ delete: HQLDelete) -> [Cell] {
        let row = Array(delete.row.utf8)
        let timestamp = delete.version ?? delete.timestamp
        if delete.columns.isEmpty {
            return [Cell(key: Key(row: row, timestamp: timestamp, flag: .deleteRow))]
        }
        return delete.columns.map { selector in
            switch selector {
            case .cell(let family, let qualifier):
                return Cell(key: Key(row: row, columnFamily: family, columnQualifier: Array(qualifier.utf8),
                                     timestamp: timestamp, flag: delete.version != nil ? .deleteCellVersion : .deleteCell))
            default:
                return Cell(key: Key(row: row, columnFamily: selector.family, timestamp: timestamp,
                                     flag: delete.version != nil ? .deleteCellVersion : .deleteColumnFamily))
            }
        }
    }

    /// Hypertable gathers every ADD of one ALTER TABLE into one schema change (groups first,
    /// then loose families), applied after the other actions; so family ids follow that order.
    static func mergingAdds(_ actions: [HQLAlterTable.Action]) -> [HQLAlterTable.Action] {
        var families: [HQLColumnFamilyDefinition] = []
        var groups: [HQLAccessGroupDefinition] = []
        var others: [HQLAlterTable.Action] = []
        for action in actions {
            if case .add(let f, let g) = action {
                families += f
                groups += g
            } else {
                others.append(action)
            }
        }
        if families.isEmpty && groups.isEmpty { return others }
        return others + [.add(columnFamilies: families, accessGroups: groups)]
    }

    /// One ALTER TABLE may modify an access group once (Hypertable's words for a second time).
    static func checkModifiedGroupsOnce(_ actions: [HQLAlterTable.Action]) throws(ClientException) {
        var seen: Set<String> = []
        for case .modify(_, let groups) in actions {
            for g in groups where !seen.insert(g.name).inserted {
                throw ClientException(.hqlBadCommand, "Attempt to modify access group '\(g.name)' twice in the same command")
            }
        }
    }

    /// A family this ALTER makes (a name the table has no live family of) joins the first
    /// group that lists it; another group listing it too is refused, in textual order, as
    /// Hypertable's `access_group_add_column_family` refuses it.
    static func checkNewFamiliesJoinOneGroup(_ actions: [HQLAlterTable.Action], schema: TableSchema) throws(ClientException) {
        var joined: [String: String] = [:]
        for action in actions {
            let groups: [HQLAccessGroupDefinition]
            switch action {
            case .add(_, let g), .modify(_, let g): groups = g
            default: continue
            }
            for g in groups {
                for member in g.columnFamilies where schema.family(named: member.name) == nil {
                    if let owner = joined[member.name], owner != g.name {
                        throw ClientException(.hqlBadCommand, "Attempt to add column '\(member.name)' to access group '\(g.name)' "
                                              + "when it already belongs to access group '\(owner)'")
                    }
                    joined[member.name] = g.name
                }
            }
        }
    }

    /// What Hypertable's `finish_alter_table_statement` checks of a modified access group once
    /// every action is read: the group is made anew from its member list, so each family it
    /// had that is still live must be listed ("Missing column ..."), and a listed name that
    /// was no family of the table becomes a new family added to the group twice (by the list,
    /// then as a new family), which `Schema::validate` refuses as a family in two groups.
    static func checkModifiedGroupMembers(_ actions: [HQLAlterTable.Action], before: TableSchema,
                                          after: TableSchema) throws(ClientException) {
        var modified: [HQLAccessGroupDefinition] = []
        for case .modify(_, let groups) in actions { modified += groups }
        for g in modified {
            let listed = Set(g.columnFamilies.map(\.name))
            for f in before.families where f.accessGroup == g.name && !f.deleted && !listed.contains(f.name) {
                guard after.family(id: f.id)?.deleted == false else { continue }
                throw ClientException(.hqlBadCommand, "Missing column '\(f.name)' from modified access group '\(g.name)'")
            }
        }
        for g in modified {
            for member in g.columnFamilies where !before.families.contains(where: { $0.name == member.name && $0.accessGroup == g.name }) {
                throw TableSchema.badSchema("Column '\(member.name)' assigned to two access groups (\(g.name) & \(g.name))")
            }
        }
    }

    static func apply(_ action: HQLAlterTable.Action, to schema: inout TableSchema) throws(ClientException) {
        switch action {
        case .add(let families, let groups):
            // `ADD (INDEX a)` for an existing family `a` adds the index to it (Hypertable's
            // parser looks the family up in the altered schema first); any other family is new.
            let members = Set(groups.flatMap { $0.columnFamilies.map(\.name) })
            var added: [HQLColumnFamilyDefinition] = []
            for f in families {
                guard f.indexOnly, !members.contains(f.name),
                      let i = schema.families.firstIndex(where: { $0.name == f.name && !$0.deleted }) else {
                    added.append(f)
                    continue
                }
                for (wanted, qualifier) in [(f.valueIndex, false), (f.qualifierIndex, true)] where wanted {
                    let kind = qualifier ? "Qualifier index" : "Index"
                    if qualifier ? schema.families[i].qualifierIndex : schema.families[i].valueIndex {
                        throw ClientException(.hqlBadCommand, "\(kind) for column family '\(f.name)' already defined")
                    }
                    if schema.families[i].options.counter == true {
                        throw ClientException(.hqlBadCommand,
                                              "Attempt to define \(qualifier ? "qualifier" : "value") index for COUNTER column '\(f.name)'")
                    }
                    if qualifier { schema.families[i].qualifierIndex = true } else { schema.families[i].valueIndex = true }
                }
            }
            try schema.add(families: added, accessGroups: groups)
        case .modify(let families, let groups):
            for g in groups {
                guard let i = schema.accessGroups.firstIndex(where: { $0.name == g.name }) else {
                    throw ClientException(.hqlBadCommand, "Attempt to modify access group '\(g.name)' which does not exist")
                }
                // Each member is taken out of the table's schema as it is read
                // (`access_group_add_column_family`): once only, and only from this group.
                var listed: Set<String> = []
                for member in g.columnFamilies {
                    guard listed.insert(member.name).inserted else {
                        throw ClientException(.hqlBadCommand, "Bad modify command - attempt to add column '\(member.name)' to "
                                              + "access group '\(g.name)' twice")
                    }
                    if let f = schema.family(named: member.name), f.accessGroup != g.name {
                        throw ClientException(.hqlBadCommand, "Bad modify command - moving column '\(member.name)' from access "
                                              + "group '\(f.accessGroup)' to '\(g.name)' is not supported")
                    }
                }
                // Hypertable builds a modified group from scratch and refuses to set these
                // three there: an existing group's storage cannot change them in place.
                for (attribute, given) in [("IN_MEMORY", g.options.inMemory != nil),
                                           ("COMPRESSOR", g.options.compressor.map { !$0.isEmpty } ?? false),
                                           ("REPLICATION", g.options.replication != nil)] where given {
                    throw ClientException(.hqlBadCommand,
                                          "Modification of \(attribute) attribute for access group '\(g.name)' is not supported")
                }
                let options = TableSchema.convert(g.options)
                try AccessGroupSpecSyntax.validate(options)
                schema.accessGroups[i].options = options
                schema.accessGroups[i].defaults = TableSchema.convert(g.columnFamilyDefaults)
            }
            for f in families {
                guard let i = schema.families.firstIndex(where: { $0.name == f.name && !$0.deleted }) else {
                    throw ClientException(.hqlBadCommand, "Attempt to modify column '\(f.name)' which does not exist")
                }
                // A family's storage order and counter nature cannot change in place (Hypertable's
                // words, its spelling included).
                let options = TableSchema.convert(f.options)
                if (schema.families[i].options.timeOrderDesc ?? false) != (options.timeOrderDesc ?? false) {
                    throw ClientException(.hqlBadCommand, "Modificaton of TIME ORDER option for column '\(f.name)' is not allowed.")
                }
                if (schema.families[i].options.counter ?? false) != (options.counter ?? false) {
                    throw ClientException(.hqlBadCommand, "Modificaton of COUNTER option for column '\(f.name)' is not allowed.")
                }
                schema.families[i].options = options
            }
        case .drop(let names):
            for name in names {
                guard let i = schema.families.firstIndex(where: { $0.name == name && !$0.deleted }) else {
                    throw ClientException(.columnFamilyNotFound, name)
                }
                schema.families[i].deleted = true
            }
        case .dropIndex(let names, let kind):
            for name in names {
                guard let i = schema.families.firstIndex(where: { $0.name == name && !$0.deleted }) else {
                    throw ClientException(.hqlBadCommand, "Attempt to drop index from column '\(name)' which does not exist")
                }
                if kind == .qualifier { schema.families[i].qualifierIndex = false } else { schema.families[i].valueIndex = false }
            }
        case .renameColumnFamily(let from, let to):
            guard let i = schema.families.firstIndex(where: { $0.name == from && !$0.deleted }) else {
                throw ClientException(.hqlBadCommand, "Attempt to rename column family '\(from)' which does not exist")
            }
            guard schema.family(named: to) == nil else {
                throw ClientException(.hqlBadCommand, "Attempt to rename column '\(from)' to '\(to)', which already exists")
            }
            schema.families[i].name = to
        }
    }
}

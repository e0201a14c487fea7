/// CREATE TABLE and ALTER TABLE: column families, access groups and their options, with
/// Hypertable's rules for duplicate and conflicting options (its HQL reference, CREATE TABLE
/// and ALTER TABLE).
extension HQLParser {
    mutating func createTable() throws(HQLError) -> HQLStatement {
        let tableName = try path("table name")
        if acceptWord("LIKE") {
            return .createTableLike(name: tableName, like: try path("table name"))
        }
        var table = HQLCreateTable(name: tableName)
        try expectSymbol("(")
        (table.columnFamilies, table.accessGroups) = try definitions()
        try expectSymbol(")")
        while !atEnd && !isSymbol(";") {
            statementMayEndHere()
            if try columnFamilyOption(&table.columnFamilyDefaults, of: nil) { continue }
            if try accessGroupOption(&table.accessGroupDefaults) { continue }
            if acceptWord("GROUP_COMMIT_INTERVAL") {
                let position = current.position
                let interval = try int32("GROUP_COMMIT_INTERVAL")
                // Hypertable's parser refuses a second non-zero interval (a zero one counts as unset).
                if let earlier = table.groupCommitInterval, earlier != 0 {
                    throw HQLError(.invalidStatement, at: position, "GROUP_COMMIT_INTERVAL multiply defined")
                }
                table.groupCommitInterval = interval
                continue
            }
            throw unexpected("a table option")
        }
        return .createTable(table)
    }

    /// `create_definition, ...` up to (not including) the closing parenthesis.
    mutating func definitions() throws(HQLError)
        -> ([HQLColumnFamilyDefinition], [HQLAccessGroupDefinition]) {
        var families: [HQLColumnFamilyDefinition] = []
        var groups: [HQLAccessGroupDefinition] = []
        if isSymbol(")") { return (families, groups) }
        // `a, INDEX a` (the reference's own example) names one family twice: an index clause
        // marks the family of that name, before or after its definition, and only a second
        // index of the same kind is refused, in Hypertable's words.
        func index(_ familyName: String, qualifier: Bool, at position: HQLPosition) throws(HQLError) {
            let kind = qualifier ? "Qualifier index" : "Index"
            guard let i = families.firstIndex(where: { $0.name == familyName }) else {
                families.append(HQLColumnFamilyDefinition(name: familyName, valueIndex: !qualifier,
                                                          qualifierIndex: qualifier, indexOnly: true))
                return
            }
            if qualifier ? families[i].qualifierIndex : families[i].valueIndex {
                throw HQLError(.badCommand, at: position, "\(kind) for column family '\(familyName)' multiply defined")
            }
            if families[i].options.counter == true {
                throw HQLError(.badCommand, at: position,
                               "Attempt to define \(qualifier ? "qualifier" : "value") index for COUNTER column '\(familyName)'")
            }
            if qualifier { families[i].qualifierIndex = true } else { families[i].valueIndex = true }
        }
        repeat {
            let position = current.position
            if isWord("ACCESS") && isWord("GROUP", at: 1) {
                advance(); advance()
                groups.append(try accessGroup())
            } else if isWord("QUALIFIER") && isWord("INDEX", at: 1) {
                advance(); advance()
                try index(try name("column family"), qualifier: true, at: position)
            } else if isWord("INDEX"), !isSymbol(",", at: 1), !isSymbol(")", at: 1) {
                advance()
                try index(try name("column family"), qualifier: false, at: position)
            } else {
                let family = try columnFamily()
                if let i = families.firstIndex(where: { $0.name == family.name && $0.indexOnly }) {
                    families[i].options = family.options
                    families[i].indexOnly = false
                } else {
                    // A second definition is kept: the schema refuses it as multiply defined.
                    families.append(family)
                }
            }
        } while acceptSymbol(",")
        return (families, groups)
    }

    mutating func columnFamily() throws(HQLError) -> HQLColumnFamilyDefinition {
        let position = current.position
        let familyName = try name("column family")
        guard !familyName.contains(":") else {
            throw HQLError(.invalidStatement, at: position, "Invalid column name \(familyName)")
        }
        var definition = HQLColumnFamilyDefinition(name: familyName)
        while try columnFamilyOption(&definition.options, of: .column(familyName)) {}
        return definition
    }

    /// `ACCESS GROUP name '(' [family, ...] ')' [options]` (`access_group_definition`): the
    /// member list is required and holds names only; options follow it.
    mutating func accessGroup() throws(HQLError) -> HQLAccessGroupDefinition {
        var group = HQLAccessGroupDefinition(name: try name("access group name"))
        try expectSymbol("(")
        if !isSymbol(")") {
            repeat {
                let position = current.position
                let familyName = try name("column family")
                guard !familyName.contains(":") else {
                    throw HQLError(.invalidStatement, at: position, "Invalid column name \(familyName)")
                }
                group.columnFamilies.append(HQLColumnFamilyDefinition(name: familyName))
            } while acceptSymbol(",")
        }
        try expectSymbol(")")
        while true {
            if try accessGroupOption(&group.options) { continue }
            if try columnFamilyOption(&group.columnFamilyDefaults, of: .accessGroup(group.name)) { continue }
            break
        }
        return group
    }

    /// Who a column family option belongs to, for the duplicate check.
    enum OptionOwner {
        case column(String)
        case accessGroup(String)
    }

    /// Hypertable's parser refuses a column family option given twice for one column family,
    /// or twice as an access group's default, in the words below; table-wide defaults are not
    /// checked there (the last one wins), so `owner` nil checks nothing.
    func checkOnce(_ option: String, alreadySet: Bool, of owner: OptionOwner?,
                           at position: HQLPosition) throws(HQLError) {
        guard alreadySet, let owner else { return }
        switch owner {
        case .column(let name):
            throw HQLError(.invalidStatement, at: position, "Multiple specifications of \(option) option for column '\(name)'")
        case .accessGroup(let name):
            throw HQLError(.invalidStatement, at: position,
                           "Multiple specifications of \(option) option for access group '\(name)'")
        }
    }

    mutating func columnFamilyOption(_ options: inout HQLColumnFamilyOptions,
                                             of owner: OptionOwner?) throws(HQLError) -> Bool {
        let optionPosition = current.position
        if acceptWord("MAX_VERSIONS") || acceptWord("REVS") || acceptWord("MAX_REVISIONS") {
            let position = current.position
            let n = try int32("MAX_VERSIONS")
            guard n > 0 else { throw HQLError(.numberOutOfRange, at: position, "MAX_VERSIONS must be positive") }
            try checkOnce("MAX_VERSIONS", alreadySet: options.maxVersions != nil, of: owner, at: optionPosition)
            options.maxVersions = n
            return true
        }
        if acceptWord("TTL") {
            let ttl = try duration()
            try checkOnce("TTL", alreadySet: options.ttl != nil, of: owner, at: optionPosition)
            options.ttl = ttl
            return true
        }
        if acceptWord("COUNTER") {
            let counter = optionalBool()
            try checkOnce("COUNTER", alreadySet: options.counter != nil, of: owner, at: optionPosition)
            options.counter = counter
            return true
        }
        if acceptWord("TIME_ORDER") {
            try checkOnce("TIME_ORDER", alreadySet: options.timeOrderDesc != nil, of: owner, at: optionPosition)
            if acceptWord("DESC") { options.timeOrderDesc = true } else {
                try expectWord("ASC")
                options.timeOrderDesc = false
            }
            return true
        }
        return false
    }

    mutating func duration() throws(HQLError) -> Int32 {
        _ = acceptSymbol("=")
        let position = current.position
        guard case .number(let n) = current.kind, let amount = Double(n) else { throw unexpected("a TTL duration") }
        advance()
        var unit = 1.0
        if acceptWord("MONTHS") || acceptWord("MONTH") { unit = 2_592_000 }
        else if acceptWord("WEEKS") || acceptWord("WEEK") { unit = 604_800 }
        else if acceptWord("DAYS") || acceptWord("DAY") { unit = 86_400 }
        else if acceptWord("HOURS") || acceptWord("HOUR") { unit = 3600 }
        else if acceptWord("MINUTES") || acceptWord("MINUTE") { unit = 60 }
        else { _ = acceptWord("SECONDS") || acceptWord("SECOND") }
        let seconds = amount * unit
        guard seconds.isFinite, seconds >= 1, seconds <= Double(Int32.max) else {
            throw HQLError(.numberOutOfRange, at: position, "TTL out of range")
        }
        return Int32(seconds)
    }

    mutating func accessGroupOption(_ options: inout HQLAccessGroupOptions) throws(HQLError) -> Bool {
        if acceptWord("IN_MEMORY") {
            options.inMemory = optionalBool()
            return true
        }
        if acceptWord("BLOCKSIZE") {
            options.blockSize = try int32("BLOCKSIZE")
            return true
        }
        if acceptWord("REPLICATION") {
            let position = current.position
            guard let r = Int16(exactly: try int32("REPLICATION")) else {
                throw HQLError(.numberOutOfRange, at: position, "REPLICATION out of range")
            }
            options.replication = r
            return true
        }
        if acceptWord("COMPRESSOR") {
            _ = acceptSymbol("=")
            options.compressor = try literal("a compressor")
            return true
        }
        if acceptWord("BLOOMFILTER") {
            _ = acceptSymbol("=")
            options.bloomFilter = try literal("a bloom filter")
            return true
        }
        return false
    }

    mutating func alterTable() throws(HQLError) -> HQLStatement {
        let tableName = try path("table name")
        var actions: [HQLAlterTable.Action] = []
        while !atEnd && !isSymbol(";") {
            if !actions.isEmpty { statementMayEndHere() }
            if acceptWord("ADD") {
                try expectSymbol("(")
                let (families, groups) = try definitions()
                try expectSymbol(")")
                actions.append(.add(columnFamilies: families, accessGroups: groups))
            } else if acceptWord("MODIFY") {
                try expectSymbol("(")
                let (families, groups) = try definitions()
                try expectSymbol(")")
                actions.append(.modify(columnFamilies: families, accessGroups: groups))
            } else if acceptWord("DROP") {
                // `DROP (cf, ...)`, `DROP [VALUE] INDEX (cf, ...)`, `DROP QUALIFIER INDEX (cf, ...)`.
                var index: HQLAlterTable.IndexKind?
                if acceptWord("QUALIFIER") {
                    try expectWord("INDEX")
                    index = .qualifier
                } else if isWord("VALUE") || isWord("INDEX") {
                    _ = acceptWord("VALUE")
                    try expectWord("INDEX")
                    index = .value
                }
                try expectSymbol("(")
                var names: [String] = []
                repeat { names.append(try name("column family")) } while acceptSymbol(",")
                try expectSymbol(")")
                if let index {
                    actions.append(.dropIndex(columnFamilies: names, kind: index))
                } else {
                    actions.append(.drop(columnFamilies: names))
                }
            } else if acceptWord("RENAME") {
                try expectWord("COLUMN")
                try expectWord("FAMILY")
                try expectSymbol("(")
                let from = try name("column family")
                try expectSymbol(",")
                let to = try name("column family")
                try expectSymbol(")")
                actions.append(.renameColumnFamily(from: from, to: to))
            } else {
                throw unexpected("ADD, DROP, MODIFY or RENAME COLUMN FAMILY")
            }
        }
        if actions.isEmpty { throw unexpected("ADD, DROP, MODIFY or RENAME COLUMN FAMILY") }
        return .alterTable(HQLAlterTable(name: tableName, actions: actions))
    }
}

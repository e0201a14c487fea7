/// Statement classification for the gateway's guards, without executing anything.
public enum HQLClassifier {
    /// The kind of the single statement in `text`; throws the parse error otherwise.
    public static func classify(_ text: String) throws(HQLError) -> HQLStatementKind {
        try HQLParser.parse(text).kind
    }

    /// The strictest kind over a `;`-separated script (ddl > write > read).
    public static func classifyScript(_ text: String) throws(HQLError) -> HQLStatementKind {
        let kinds = try HQLParser.parseScript(text).map(\.kind)
        if kinds.contains(.ddl) { return .ddl }
        if kinds.contains(.write) { return .write }
        return .read
    }
}

/// A name a statement touches, as written: the gateway resolves it against the namespace the
/// statement runs in to decide whether a namespace-limited credential may run it.
public enum HQLReference: Sendable, Hashable {
    /// The namespace the statement runs in (`SHOW TABLES`, `GET LISTING`).
    case currentNamespace
    /// A namespace named by the statement (`CREATE NAMESPACE`, `DROP NAMESPACE`, `USE`).
    case namespace(String)
    /// A table, by a name that may carry a namespace path (`t`, `sub/t`, `/other/ns/t`).
    case table(String)
}

extension HQLStatement {
    /// Every name the statement touches. A statement with none still runs in the current
    /// namespace, so the list is never empty.
    public var references: [HQLReference] {
        switch self {
        case .createNamespace(let name, _), .dropNamespace(let name, _), .use(let name):
            return [.namespace(name)]
        case .createTable(let create):
            return [.table(create.name)]
        case .createTableLike(let name, let like):
            return [.table(name), .table(like)]
        case .dropTable(let name, _), .showCreateTable(let name), .describeTable(let name, _), .existsTable(let name):
            return [.table(name)]
        case .alterTable(let alter):
            return [.table(alter.name)]
        case .rebuildIndices(let table, _):
            return [.table(table)]
        case .renameTable(let from, let to):
            return [.table(from), .table(to)]
        case .showTables, .getListing:
            return [.currentNamespace]
        case .insert(let insert):
            return [.table(insert.table)]
        case .select(let select):
            return [.table(select.table)]
        case .delete(let delete):
            return [.table(delete.table)]
        }
    }
}

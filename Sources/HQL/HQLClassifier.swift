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

/// Namespace names the way Hypertable canonicalises them (`Namespace::canonicalize`): empty
/// components dropped, leading and trailing `/` and spaces trimmed. `"/demo"`, `"demo/"` and
/// `"demo"` are one namespace, `"app//prod"` is `"app/prod"`, and `""` or `"/"` is the root.
enum NamespacePath {
    static func canonical(_ name: String) -> String {
        let parts = name.split(separator: "/", omittingEmptySubsequences: true)
            .map { String($0).trimmingSpaces() }
            .filter { !$0.isEmpty }
        return parts.joined(separator: "/")
    }

    /// `name` relative to `base` unless it starts with `/` (as HQL's USE / CREATE NAMESPACE).
    static func resolve(_ name: String, relativeTo base: String) -> String {
        if name.hasPrefix("/") || base.isEmpty { return canonical(name) }
        return canonical(base + "/" + name)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func leaf(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

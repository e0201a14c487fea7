import HQL
import HTTPServer

/// What one credential (a configured token or a verified JWT) may do: a level, and optionally
/// the namespaces it is limited to.
///
/// Levels nest: `admin` (DDL: create and drop namespaces and tables, ALTER, RENAME) includes
/// `write` (cells, counters, INSERT and DELETE), which includes `read` (GET and HEAD, read
/// statements, `rows:get`). A namespace limit `/a` covers `/a` and every namespace under it
/// (`/a/b`, `/a/b/c`), never a sibling such as `/ab`.
public struct AccessGrant: Sendable, Hashable, CustomStringConvertible {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case read = 1
        case write = 2
        case admin = 3

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var name: String {
            switch self {
            case .read: return "read"
            case .write: return "write"
            case .admin: return "admin"
            }
        }

        /// `read`, `write`, `admin`, and the older `ro` (read) and `rw` (admin: it always
        /// allowed everything).
        public init?(name: String) {
            switch name.lowercased() {
            case "read", "ro": self = .read
            case "write": self = .write
            case "admin", "rw": self = .admin
            default: return nil
            }
        }
    }

    /// nil: a credential that names no level it knows (a JWT whose scope claim holds none):
    /// authenticated, but allowed nothing beyond the open routes.
    public var level: Level?
    /// nil: every namespace. Otherwise canonical paths (`/a/b`), none of them the root.
    public var namespaces: [String]?

    public init(level: Level?, namespaces: [String]? = nil) {
        self.level = level
        self.namespaces = namespaces
    }

    /// The older `rw`: everything, everywhere.
    public static let readWrite = AccessGrant(level: .admin)
    /// The older `ro`: read anywhere.
    public static let readOnly = AccessGrant(level: .read)

    /// Everything, everywhere: no guard needs to look at a statement.
    public var isUnrestricted: Bool { level == .admin && namespaces == nil }

    public func permits(_ needed: Level) -> Bool {
        guard let level else { return false }
        return level >= needed
    }

    /// Whether the canonical namespace path `path` (`/a/b`, or `/` for the root) is inside the limit.
    public func covers(namespace path: String) -> Bool {
        guard let namespaces else { return true }
        return namespaces.contains { scope in path == scope || path.hasPrefix(scope + "/") }
    }

    /// The access log's `auth` class: `rw` and `ro` as before for the unlimited admin and read
    /// grants, else the level, with `@ns` when limited to namespaces.
    public var description: String {
        if self == .readWrite { return "rw" }
        if self == .readOnly { return "ro" }
        return (level?.name ?? "none") + (namespaces == nil ? "" : "@ns")
    }

    // MARK: namespace paths

    /// `/a/b` for `a/b`, `/a/b`, `a//b/`; `/` for the root. nil when a component is `.` or
    /// `..`: where such a name leads depends on the broker, so a limited grant refuses it.
    public static func canonicalNamespace(_ name: String) -> String? {
        let components = name.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
        return "/" + components.joined(separator: "/")
    }

    /// The namespaces an HQL name may denote when the statement runs in `current`: a name with
    /// a `/` is read both from the root and relative to `current`, since the two readings are
    /// not told apart the same way by every broker; a limited grant must cover both.
    /// `isTable`: the last component is a table, not a namespace. nil when a reading cannot be
    /// worked out (`.` or `..`).
    static func namespaces(ofName name: String, isTable: Bool, current: String) -> [String]? {
        guard let currentPath = canonicalNamespace(current) else { return nil }
        var components = name.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
        if isTable {
            guard !components.isEmpty else { return nil }
            components.removeLast()
            // A plain table name is always in the current namespace.
            if !name.contains("/") { return [currentPath] }
        }
        let fromRoot = "/" + components.joined(separator: "/")
        let relative = components.isEmpty ? currentPath
            : (currentPath == "/" ? "" : currentPath) + "/" + components.joined(separator: "/")
        return fromRoot == relative ? [fromRoot] : [fromRoot, relative]
    }

    /// Why the grant may not run `statement` in namespace `current`, or nil when it may: the
    /// statement's kind needs a level (read, write, admin for DDL) and every name it touches
    /// must lie inside the namespace limit.
    public func refusal(of statement: HQLStatement, in current: String) -> String? {
        let needed: Level
        switch statement.kind {
        case .read: needed = .read
        case .write: needed = .write
        case .ddl: needed = .admin
        }
        guard permits(needed) else {
            return "it may not run \(Self.statementClass(statement.kind)): they need the \(needed.name) level"
        }
        guard namespaces != nil else { return nil }
        for reference in statement.references {
            let paths: [String]?
            let shown: String
            switch reference {
            case .currentNamespace:
                paths = Self.canonicalNamespace(current).map { [$0] }
                shown = current
            case .namespace(let name):
                paths = Self.namespaces(ofName: name, isTable: false, current: current)
                shown = name
            case .table(let name):
                paths = Self.namespaces(ofName: name, isTable: true, current: current)
                shown = name
            }
            guard let paths else { return "the statement names \"\(shown)\", whose namespace cannot be told" }
            if let outside = paths.first(where: { !covers(namespace: $0) }) {
                return "\"\(shown)\" is in namespace \(outside), outside the token's namespaces"
            }
        }
        return nil
    }

    static func statementClass(_ kind: HQLStatementKind) -> String {
        switch kind {
        case .read: return "read statements"
        case .write: return "write statements (INSERT, DELETE)"
        case .ddl: return "DDL statements (CREATE, DROP, ALTER, RENAME)"
        }
    }
}

extension HTTPRequest {
    /// The grant its guard gave the request when that grant is limited, nil when it may do
    /// everything. Admission records which (`mayWrite`), so the common request is answered
    /// without a dynamic cast of the context's `grant` (about 250 instructions).
    var limitedGrant: AccessGrant? {
        guard !context.mayWrite, let grant = context.grant as? AccessGrant, !grant.isUnrestricted else { return nil }
        return grant
    }
}

import HQL

/// Exposes how the query route runs a statement (for tests and diagnostics).
public enum GatewayQueryShapes {
    /// "point", "scan" or "notSelect".
    public static func shape(_ hql: String) -> String {
        switch QueryRoutes.selectShape(try? HQLParser.parse(hql)) {
        case .point: return "point"
        case .scan: return "scan"
        case .notSelect: return "notSelect"
        }
    }
}

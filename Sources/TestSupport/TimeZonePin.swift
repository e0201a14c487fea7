#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sets `TZ` for a test and puts back what was there: HQL timestamps are read and printed in
/// the local zone, so a test that states instants as literals must say which zone it means.
public struct TimeZonePin {
    private let saved: String?

    public init(_ zone: String) {
        saved = getenv("TZ").map { String(cString: $0) }
        setenv("TZ", zone, 1)
        tzset()
    }

    public func restore() {
        if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
        tzset()
    }

    /// Runs `body` with `TZ` set to `zone`.
    public static func with<T>(_ zone: String, _ body: () throws -> T) rethrows -> T {
        let pin = TimeZonePin(zone)
        defer { pin.restore() }
        return try body()
    }
}

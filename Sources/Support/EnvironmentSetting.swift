/// Settings read from environment variables, one rule for every layer: unset or blank keeps
/// the default (nil here); a count is decimal digits only (a sign has no business in one) and
/// must lie in its range; anything else is an `EnvironmentSettingError` naming the variable.
public enum EnvironmentSetting {
    public static func integer(_ environment: [String: String], _ variable: String,
                               range: ClosedRange<Int>) throws(EnvironmentSettingError) -> Int? {
        guard let raw = environment[variable] else { return nil }
        let text = raw.trimmingWhitespace()
        if text.isEmpty { return nil }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let number = Int(text) else {
            throw EnvironmentSettingError(variable: variable, value: raw, reason: "not a non-negative decimal integer")
        }
        guard range.contains(number) else {
            throw EnvironmentSettingError(variable: variable, value: raw,
                                          reason: "out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }
}

/// An environment variable whose value cannot be used.
public struct EnvironmentSettingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var variable: String
    public var value: String
    public var reason: String

    public init(variable: String, value: String, reason: String) {
        self.variable = variable
        self.value = value
        self.reason = reason
    }

    /// An error whose reason is what the setting should have held ("expected ...").
    public init(variable: String, value: String, expected: String) {
        self.init(variable: variable, value: value, reason: "expected \(expected)")
    }

    public var description: String { "\(variable)=\"\(value)\": \(reason)" }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs, CRs and LFs (settings, list items).
    public func trimmingWhitespace() -> String {
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !isBlank($0) }),
              let last = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}

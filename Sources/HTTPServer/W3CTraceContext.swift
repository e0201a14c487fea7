import Support

/// A request's place in a distributed trace, as W3C Trace Context (Level 1) carries it in the
/// `traceparent` and `tracestate` fields: which trace, which span called us, and the span this
/// server works in (its own id, the parent of whatever it calls).
public struct W3CTraceContext: Sendable, Equatable {
    /// The 128-bit trace id, high and low halves; never both zero (§3.2.2.3).
    public var traceIDHigh: UInt64
    public var traceIDLow: UInt64
    /// The caller's span (`parent-id` of the incoming `traceparent`); nil when this server
    /// started the trace.
    public var parentSpanID: UInt64?
    /// This server's span: the `parent-id` it sends on. Never zero (§3.2.2.4).
    public var spanID: UInt64
    /// `trace-flags` (§3.2.2.5); bit 0 is `sampled`.
    public var flags: UInt8
    /// The incoming `tracestate`, checked and bounded (§3.3), or nil.
    public var traceState: String?

    public init(traceIDHigh: UInt64, traceIDLow: UInt64, parentSpanID: UInt64?, spanID: UInt64,
                flags: UInt8, traceState: String? = nil) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.parentSpanID = parentSpanID
        self.spanID = spanID
        self.flags = flags
        self.traceState = traceState
    }

    /// The parts of a valid `traceparent`: trace id, the caller's span, flags.
    public struct Parent: Sendable, Equatable {
        public var traceIDHigh: UInt64
        public var traceIDLow: UInt64
        public var spanID: UInt64
        public var flags: UInt8
    }

    /// The trace id as 32 lowercase hex digits (what logs and problem bodies show).
    public var traceID: String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            writeTraceID(into: buffer)
            return 32
        }
    }

    /// The same 32 digits as `traceID`, on the stack and valid only inside `body`: for a caller
    /// that copies them on (the access log), without a string. Not generic: called from another
    /// module, a generic body would look up its metadata on every request.
    public func withTraceIDUTF8(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            writeTraceID(into: buffer)
            body(UnsafeBufferPointer(buffer))
        }
    }

    private func writeTraceID(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        LowercaseHex.write(traceIDHigh, into: buffer, at: 0)
        LowercaseHex.write(traceIDLow, into: buffer, at: 16)
    }

    /// The `traceparent` this server sends on: version 00, the same trace, its own span id.
    /// Made in one allocation: every response carries it.
    public var traceparent: String {
        String(unsafeUninitializedCapacity: 55) { buffer in
            let dash = UInt8(ascii: "-")
            Self.writeHex(0, digits: 2, into: buffer, at: 0)
            buffer[2] = dash
            LowercaseHex.write(traceIDHigh, into: buffer, at: 3)
            LowercaseHex.write(traceIDLow, into: buffer, at: 19)
            buffer[35] = dash
            LowercaseHex.write(spanID, into: buffer, at: 36)
            buffer[52] = dash
            Self.writeHex(UInt64(flags), digits: 2, into: buffer, at: 53)
            return 55
        }
    }

    /// Parses one `traceparent` value (§3.2). Invalid, so nil: a version that is not two
    /// lowercase hex digits or is `ff`; version 00 of any length but 55; a later version shorter
    /// than 55 or whose 56th character is not `-` (§3.2.4: a later version is read as 00 up to
    /// there); any id or flags not lowercase hex; an all-zero trace id or parent id.
    public static func parseTraceparent(_ value: String) -> Parent? {
        var value = value
        return value.withUTF8 { bytes -> Parent? in
            guard bytes.count >= 55, let version = hexValue(bytes, 0, 2), version != 0xFF else { return nil }
            if version == 0 {
                guard bytes.count == 55 else { return nil }
            } else if bytes.count > 55, bytes[55] != UInt8(ascii: "-") {
                return nil
            }
            guard bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
                  let high = hexValue(bytes, 3, 16), let low = hexValue(bytes, 19, 16),
                  let span = hexValue(bytes, 36, 16), let flags = hexValue(bytes, 53, 2),
                  high != 0 || low != 0, span != 0 else {
                return nil
            }
            // Of a later version's flags only `sampled` is known to mean anything (§3.2.4).
            return Parent(traceIDHigh: high, traceIDLow: low, spanID: span,
                          flags: version == 0 ? UInt8(flags) : UInt8(flags) & 0x01)
        }
    }

    /// Most list members a `tracestate` keeps (§3.3.1.1).
    public static let maximumTraceStateMembers = 32
    /// Most characters of `tracestate` passed on (§3.3.1.5: at least 512 should be).
    public static let maximumTraceStateLength = 512

    /// The `tracestate` fields joined (several fields are one list, RFC 9110 §5.3), each member
    /// checked (§3.3.1.3: `key=value`, key of `a-z 0-9 _ - * / @`, value of printable ASCII
    /// but `,` and `=`, not ending in a space); nil when any member is malformed or there are
    /// more than 32. Longer than 512 characters, members longer than 128 go first, then
    /// members from the right (§3.3.1.5).
    public static func parseTraceState(_ fields: [String]) -> String? {
        var members: [String] = []
        for field in fields {
            for member in field.split(separator: ",", omittingEmptySubsequences: true) {
                let trimmed = member.trimmingWhitespace()
                if trimmed.isEmpty { continue }
                guard isValidTraceStateMember(trimmed) else { return nil }
                members.append(trimmed)
                if members.count > maximumTraceStateMembers { return nil }
            }
        }
        guard !members.isEmpty else { return nil }
        func length(_ list: [String]) -> Int { list.reduce(-1) { $0 + $1.utf8.count + 1 } }
        if length(members) > maximumTraceStateLength {
            members.removeAll { $0.utf8.count > 128 }
            while length(members) > maximumTraceStateLength { members.removeLast() }
        }
        return members.isEmpty ? nil : members.joined(separator: ",")
    }

    private static func isValidTraceStateMember(_ member: String) -> Bool {
        guard let equals = member.firstIndex(of: "=") else { return false }
        let key = member[..<equals].utf8
        let value = member[member.index(after: equals)...].utf8
        guard (1...256).contains(key.count), (1...256).contains(value.count),
              let first = key.first, isLowerAlpha(first) || isDigit(first),
              value.last != UInt8(ascii: " ") else {
            return false
        }
        let keyValid = key.allSatisfy { byte in
            isLowerAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "@")
        }
        let valueValid = value.allSatisfy { byte in
            byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: ",") && byte != UInt8(ascii: "=")
        }
        return keyValid && valueValid
    }

    private static func isLowerAlpha(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// `count` lowercase hex digits at `offset` (§3.2.2: HEXDIGLC; upper case is invalid).
    private static func hexValue(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ count: Int) -> UInt64? {
        var value: UInt64 = 0
        for index in offset..<(offset + count) {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// The low `digits` hex digits of `value`, lowercase, at `offset`.
    private static func writeHex(_ value: UInt64, digits: Int, into buffer: UnsafeMutableBufferPointer<UInt8>,
                                 at offset: Int) {
        let table: StaticString = "0123456789abcdef"
        table.withUTF8Buffer { table in
            for index in 0..<digits {
                buffer[offset + index] = table[Int(truncatingIfNeeded: (value >> UInt64(4 * (digits - 1 - index))) & 0xF)]
            }
        }
    }
}

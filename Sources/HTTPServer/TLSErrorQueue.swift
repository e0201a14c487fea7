import COpenSSL

/// OpenSSL reports failures on a per-thread error queue: these read it into text and clear it,
/// so one connection's failure never shows up as the next call's error on the same thread.
enum TLSErrorQueue {
    /// Every queued error as "reason; reason", oldest first, and an empty queue afterwards.
    static func drain(fallback: String = "unknown OpenSSL error") -> String {
        var reasons: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while case let code = ERR_get_error(), code != 0 {
            let text = buffer.withUnsafeMutableBufferPointer { pointer -> String in
                guard let base = pointer.baseAddress else { return "" }
                ERR_error_string_n(code, base, pointer.count)
                return String(cString: base)
            }
            if reasons.count < 8 { reasons.append(text) }
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }

    static func clear() {
        ERR_clear_error()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// The `Date` header value (IMF-fixdate, RFC 9110 §5.6.7), formatted once per second per
/// thread and kept in the thread's own memory: no lock, no string per response.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A thread's cache: the second it holds (`-1`: none yet), the text's length, the text.
    private static let secondOffset = 0, lengthOffset = 8, textOffset = 16, textCapacity = 48
    private static let memory = ThreadMemory(byteCount: textOffset + textCapacity) {
        $0.storeBytes(of: -1, toByteOffset: secondOffset, as: Int.self)
    }

    /// The current second's value, valid on this thread until it calls again.
    static func currentUTF8() -> UnsafeBufferPointer<UInt8> {
        let cache = memory.pointer()
        let second = time(nil)
        if cache.load(fromByteOffset: secondOffset, as: Int.self) != Int(second) {
            let text = format(second).utf8.prefix(textCapacity)
            UnsafeMutableRawBufferPointer(start: cache + textOffset, count: textCapacity).copyBytes(from: text)
            cache.storeBytes(of: text.count, toByteOffset: lengthOffset, as: Int.self)
            cache.storeBytes(of: Int(second), toByteOffset: secondOffset, as: Int.self)
        }
        return UnsafeBufferPointer(start: (cache + textOffset).assumingMemoryBound(to: UInt8.self),
                                   count: cache.load(fromByteOffset: lengthOffset, as: Int.self))
    }

    static func format(_ seconds: time_t) -> String {
        var value = seconds
        var parts = tm()
        gmtime_r(&value, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = days[Int(parts.tm_wday) % 7], month = months[Int(parts.tm_mon) % 12]
        return "\(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

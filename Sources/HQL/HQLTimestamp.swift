#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// HQL timestamps: `'YYYY-MM-DD HH:MM[:SS[.fraction|:nanoseconds]]'` (or just the date), giving
/// nanoseconds since the epoch. A string of digits only is taken as nanoseconds.
///
/// Dates and times are read and printed in the process's local time zone (`TZ`, else the
/// system's), as Hypertable's shell and ThriftBroker do (mktime when parsing, localtime_r when
/// printing), so a script run under the same `TZ` as a real Hypertable reads and prints the same
/// instants. Both directions re-read `TZ` (tzset), so a process that changes it sees the change
/// in parsing and printing alike.
public enum HQLTimestamp {
    /// Nanoseconds since the epoch, or nil when `text` is not a timestamp.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        if !b.isEmpty, b.count <= 19, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return Int64(text)
        }
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= b.count else { return nil }
            var v = 0
            for k in i..<(i + digits) {
                let c = b[k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += digits
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, nanos = 0
        if i < b.count {
            guard expect(" ") || expect("T"), let h = number(2), expect(":"), let m = number(2),
                  h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if expect(":") {
                guard let s = number(2), s < 61 else { return nil }
                second = s
                if expect(".") {
                    var digits = 0
                    while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                        if digits < 9 { nanos = nanos * 10 + Int(b[i] - 0x30) }
                        digits += 1
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<max(digits, 9) { nanos *= 10 }
                } else if expect(":") {
                    // `SS:N`: N nanoseconds (Hypertable's parse_ts).
                    var digits = 0
                    while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                        // More than 9 digits are refused below; accumulating them would
                        // overflow Int and trap on a hostile literal (found by fuzzing).
                        if digits < 9 { nanos = nanos * 10 + Int(b[i] - 0x30) }
                        digits += 1
                        i += 1
                    }
                    guard digits > 0, digits <= 9 else { return nil }
                }
            }
        }
        guard i == b.count else { return nil }
        guard let seconds = localSeconds(year: year, month: month, day: day,
                                         hour: hour, minute: minute, second: second) else { return nil }
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (total, overflow2) = ns.addingReportingOverflow(Int64(nanos))
        return overflow2 ? nil : total
    }

    /// Renders nanoseconds since the epoch as `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` in the local time
    /// zone, as the Hypertable shell prints timestamps.
    public static func format(_ nanoseconds: Int64) -> String {
        // Floor division without overflow: any 64-bit value (a broker may send Int64.min) prints.
        var (seconds, nanos) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        if nanos < 0 {
            seconds -= 1
            nanos += 1_000_000_000
        }
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var y: Int64, m: Int64, d: Int64, hh: Int64, mm: Int64, ss: Int64
        if let t = localFields(seconds) {
            (y, m, d, hh, mm, ss) = t
        } else {
            // localtime_r fails only for years beyond `tm_year`'s range; such an instant has no
            // local rendering, so it is printed in UTC rather than not at all.
            let days = seconds >= 0 ? seconds / 86_400 : (seconds + 1) / 86_400 - 1
            let rest = seconds - days * 86_400
            let (cy, cm, cd) = civilFromDays(Int(days))
            (y, m, d, hh, mm, ss) = (Int64(cy), Int64(cm), Int64(cd), rest / 3600, rest / 60 % 60, rest % 60)
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2)).\(pad(nanos, 9))"
    }

    /// Seconds since the epoch of a local date and time (mktime, with the zone deciding whether
    /// daylight saving applies, as Hypertable's parse_ts leaves it), or nil when mktime cannot
    /// represent it.
    static func localSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        tzset()
        var tm = tm()
        tm.tm_year = Int32(year - 1900)
        tm.tm_mon = Int32(month - 1)
        tm.tm_mday = Int32(day)
        tm.tm_hour = Int32(hour)
        tm.tm_min = Int32(minute)
        tm.tm_sec = Int32(second)
        tm.tm_isdst = -1
        // mktime returns -1 both for an error and for 1969-12-31 23:59:59 UTC; it leaves
        // tm_wday untouched on error, so a sentinel there tells the two apart.
        tm.tm_wday = -1
        let t = mktime(&tm)
        if t == -1 && tm.tm_wday == -1 { return nil }
        return Int64(t)
    }

    /// Local calendar fields of `seconds` since the epoch (localtime_r), or nil on failure.
    static func localFields(_ seconds: Int64) -> (Int64, Int64, Int64, Int64, Int64, Int64)? {
        guard let t = time_t(exactly: seconds) else { return nil }
        tzset()
        var time = t
        var tm = tm()
        guard localtime_r(&time, &tm) != nil else { return nil }
        return (Int64(tm.tm_year) + 1900, Int64(tm.tm_mon) + 1, Int64(tm.tm_mday),
                Int64(tm.tm_hour), Int64(tm.tm_min), Int64(tm.tm_sec))
    }

    // Howard Hinnant's civil-from-days algorithm (the UTC fallback of `format`).
    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

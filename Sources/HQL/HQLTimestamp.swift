/// HQL timestamps: `'YYYY-MM-DD HH:MM[:SS[.fraction|:nanoseconds]]'` (or just the date), read as UTC,
/// giving nanoseconds since the epoch. (Hypertable reads them in the server's local time
/// zone; the emulator's zone is UTC.) A string of digits only is taken as nanoseconds.
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
                        nanos = nanos * 10 + Int(b[i] - 0x30)
                        digits += 1
                        i += 1
                    }
                    guard digits > 0, digits <= 9 else { return nil }
                }
            }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (total, overflow2) = ns.addingReportingOverflow(Int64(nanos))
        return overflow2 ? nil : total
    }

    /// Renders nanoseconds since the epoch as `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` (UTC).
    public static func format(_ nanoseconds: Int64) -> String {
        let seconds = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds + 1) / 1_000_000_000 - 1
        let nanos = nanoseconds - seconds * 1_000_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds + 1) / 86_400 - 1
        let rest = seconds - days * 86_400
        let (y, m, d) = civilFromDays(Int(days))
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(Int64(y), 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2)) "
            + "\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):\(pad(rest % 60, 2)).\(pad(nanos, 9))"
    }

    // Howard Hinnant's days-from-civil algorithm.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

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

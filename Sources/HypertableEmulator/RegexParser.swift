/// A parsed pattern.
indirect enum RegexNode: Sendable {
    case empty
    case scalar(UInt32)
    case set([ClosedRange<UInt32>], negated: Bool)
    case any
    case concat([RegexNode])
    case alternation([RegexNode])
    case `repeat`(RegexNode, min: Int, max: Int?)
    case assert(BoundedRegex.Assertion)
}

/// Recursive descent over the pattern; nesting is bounded by the pattern length limit and a
/// depth limit, so the parser's stack stays small.
struct RegexParser {
    let scalars: [UInt32]
    var index = 0
    var caseInsensitive = false
    var depth = 0
    static let maxDepth = 100

    init(scalars: [UInt32]) {
        self.scalars = scalars
    }

    typealias SyntaxError = BoundedRegex.SyntaxError

    private var atEnd: Bool { index >= scalars.count }
    private var peek: UInt32? { atEnd ? nil : scalars[index] }

    private func isChar(_ c: Character) -> Bool {
        peek == c.unicodeScalars.first?.value
    }

    private mutating func accept(_ c: Character) -> Bool {
        if isChar(c) { index += 1; return true }
        return false
    }

    mutating func parse() throws(SyntaxError) -> RegexNode {
        if scalars.starts(with: Array("(?i)".unicodeScalars.map(\.value))) {
            caseInsensitive = true
            index = 4
        }
        let node = try alternation()
        guard atEnd else { throw SyntaxError(message: "unmatched ')'") }
        return node
    }

    private mutating func alternation() throws(SyntaxError) -> RegexNode {
        var branches = [try concatenation()]
        while accept("|") { branches.append(try concatenation()) }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func concatenation() throws(SyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while !atEnd && !isChar("|") && !isChar(")") {
            items.append(try quantified())
        }
        return items.isEmpty ? .empty : (items.count == 1 ? items[0] : .concat(items))
    }

    private mutating func quantified() throws(SyntaxError) -> RegexNode {
        let node = try atom()
        var bounds: (Int, Int?)?
        if accept("*") { bounds = (0, nil) }
        else if accept("+") { bounds = (1, nil) }
        else if accept("?") { bounds = (0, 1) }
        else if isChar("{"), let counted = try countedRepeat() { bounds = counted }
        guard let (min, max) = bounds else { return node }
        if case .assert = node { throw SyntaxError(message: "bad repetition operator") }
        _ = accept("?") // lazy: the same matches
        // RE2 refuses a repetition of a repetition (`a**`, `a+*`, possessive `a++`).
        if isChar("*") || isChar("+") || isChar("?") { throw SyntaxError(message: "bad repetition operator") }
        if isChar("{") {
            let save = index
            if try countedRepeat() != nil { throw SyntaxError(message: "bad repetition operator") }
            index = save
        }
        return .repeat(node, min: min, max: max)
    }

    /// `{n}`, `{n,}`, `{n,m}`; nil (and nothing consumed) when `{` starts no count, which
    /// then is a literal brace as in RE2.
    private mutating func countedRepeat() throws(SyntaxError) -> (Int, Int?)? {
        let start = index
        index += 1
        func number() -> Int? {
            var value: Int?
            while let c = peek, c >= 0x30, c <= 0x39 {
                value = min(100_000, (value ?? 0) * 10 + Int(c - 0x30))
                index += 1
            }
            return value
        }
        guard let low = number() else { index = start; return nil }
        var high: Int? = low
        if accept(",") { high = number() }
        guard accept("}") else { index = start; return nil }
        if low > BoundedRegex.maxRepeat || (high ?? 0) > BoundedRegex.maxRepeat {
            throw SyntaxError(message: "bad repetition operator: count above \(BoundedRegex.maxRepeat)")
        }
        if let h = high, h < low { throw SyntaxError(message: "bad repetition operator: {\(low),\(h)}") }
        return (low, high)
    }

    private mutating func literal(_ c: UInt32) -> RegexNode {
        guard caseInsensitive else { return .scalar(c) }
        if c >= 0x41 && c <= 0x5A { return .set([c...c, (c + 32)...(c + 32)], negated: false) }
        if c >= 0x61 && c <= 0x7A { return .set([c...c, (c - 32)...(c - 32)], negated: false) }
        return .scalar(c)
    }

    private mutating func atom() throws(SyntaxError) -> RegexNode {
        guard let c = peek else { throw SyntaxError(message: "missing argument") }
        index += 1
        switch c {
        case 0x2E: return .any // .
        case 0x5E: return .assert(.beginText) // ^
        case 0x24: return .assert(.endText) // $
        case 0x28: // (
            if accept("?") {
                if accept(":") { return try group() }
                if isChar("=") || isChar("!") || isChar("<") {
                    throw SyntaxError(message: "lookaround is not supported")
                }
                throw SyntaxError(message: "unsupported group flags")
            }
            return try group()
        case 0x5B: return try characterClass() // [
        case 0x5C: return try escape(inClass: false).node // backslash
        case 0x2A, 0x2B, 0x3F: throw SyntaxError(message: "missing argument to repetition operator")
        case 0x29: throw SyntaxError(message: "unexpected ')'")
        default: return literal(c)
        }
    }

    private mutating func group() throws(SyntaxError) -> RegexNode {
        depth += 1
        guard depth <= Self.maxDepth else { throw SyntaxError(message: "nesting too deep") }
        let inner = try alternation()
        guard accept(")") else { throw SyntaxError(message: "missing ')'") }
        depth -= 1
        return inner
    }

    static let digits: [ClosedRange<UInt32>] = [0x30...0x39]
    static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    static let space: [ClosedRange<UInt32>] = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]

    /// An escape: a node outside classes, or the ranges it stands for inside one.
    private mutating func escape(inClass: Bool) throws(SyntaxError) -> (node: RegexNode, ranges: [ClosedRange<UInt32>], negated: Bool) {
        guard let c = peek else { throw SyntaxError(message: "trailing backslash") }
        index += 1
        func single(_ v: UInt32) -> (RegexNode, [ClosedRange<UInt32>], Bool) { (.scalar(v), [v...v], false) }
        switch Character(Unicode.Scalar(c) ?? "?") {
        case "d": return (.set(Self.digits, negated: false), Self.digits, false)
        case "D": return (.set(Self.digits, negated: true), Self.digits, true)
        case "w": return (.set(Self.word, negated: false), Self.word, false)
        case "W": return (.set(Self.word, negated: true), Self.word, true)
        case "s": return (.set(Self.space, negated: false), Self.space, false)
        case "S": return (.set(Self.space, negated: true), Self.space, true)
        case "n": return single(0x0A)
        case "t": return single(0x09)
        case "r": return single(0x0D)
        case "f": return single(0x0C)
        case "v": return single(0x0B)
        case "a": return single(0x07)
        case "x":
            var value: UInt32 = 0
            if accept("{") {
                var digits = 0
                while let h = peek.flatMap(Self.hexValue) {
                    value = value * 16 + h
                    digits += 1
                    index += 1
                    guard digits <= 6 else { throw SyntaxError(message: "bad escape \\x{...}") }
                }
                guard digits > 0, accept("}"), value <= 0x10FFFF else { throw SyntaxError(message: "bad escape \\x{...}") }
            } else {
                for _ in 0..<2 {
                    guard let h = peek.flatMap(Self.hexValue) else { throw SyntaxError(message: "bad escape \\x") }
                    value = value * 16 + h
                    index += 1
                }
            }
            return single(value)
        case "A" where !inClass: return (.assert(.beginText), [], false)
        case "z" where !inClass: return (.assert(.endText), [], false)
        case "b" where !inClass: return (.assert(.wordBoundary), [], false)
        case "B" where !inClass: return (.assert(.notWordBoundary), [], false)
        default:
            if (c >= 0x30 && c <= 0x39) {
                if c == 0x30 { return single(0) }
                throw SyntaxError(message: "backreferences are not supported")
            }
            // Escaped punctuation stands for itself; an escaped letter is unknown, as in RE2.
            let isLetter = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            guard !isLetter else { throw SyntaxError(message: "invalid escape sequence \\\(Character(Unicode.Scalar(c) ?? "?"))") }
            let node = inClass ? RegexNode.scalar(c) : literal(c)
            return (node, [c...c], false)
        }
    }

    static func hexValue(_ c: UInt32) -> UInt32? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    static let posixClasses: [String: [ClosedRange<UInt32>]] = [
        "alpha": [0x41...0x5A, 0x61...0x7A], "digit": [0x30...0x39], "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A],
        "upper": [0x41...0x5A], "lower": [0x61...0x7A], "space": [0x09...0x0D, 0x20...0x20],
        "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E], "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66],
        "word": [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A], "blank": [0x09...0x09, 0x20...0x20],
        "cntrl": [0x00...0x1F, 0x7F...0x7F], "print": [0x20...0x7E], "graph": [0x21...0x7E], "ascii": [0x00...0x7F],
    ]

    /// `[...]` after the `[`.
    private mutating func characterClass() throws(SyntaxError) -> RegexNode {
        let negated = accept("^")
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while true {
            guard let c = peek else { throw SyntaxError(message: "missing ']'") }
            if c == 0x5D && !first { index += 1; break }
            first = false
            // [:name:]
            if c == 0x5B, index + 1 < scalars.count, scalars[index + 1] == 0x3A {
                var end = index + 2
                while end + 1 < scalars.count && !(scalars[end] == 0x3A && scalars[end + 1] == 0x5D) { end += 1 }
                guard end + 1 < scalars.count else { throw SyntaxError(message: "missing ']'") }
                let name = String(String.UnicodeScalarView(scalars[(index + 2)..<end].compactMap(Unicode.Scalar.init)))
                var negatedName = false
                var key = name
                if key.hasPrefix("^") { negatedName = true; key.removeFirst() }
                guard let set = Self.posixClasses[key], !negatedName else {
                    throw SyntaxError(message: "invalid character class range [:\(name):]")
                }
                ranges += set
                index = end + 2
                continue
            }
            var low: UInt32
            index += 1
            if c == 0x5C {
                let e = try escape(inClass: true)
                if e.negated {
                    ranges += Self.complement(e.ranges)
                    continue
                }
                guard e.ranges.count == 1, let only = e.ranges.first, only.lowerBound == only.upperBound else {
                    ranges += e.ranges
                    continue
                }
                low = only.lowerBound
            } else {
                low = c
            }
            var high = low
            if isChar("-"), index + 1 < scalars.count, scalars[index + 1] != 0x5D {
                index += 1
                guard let h = peek else { throw SyntaxError(message: "missing ']'") }
                index += 1
                if h == 0x5C {
                    let e = try escape(inClass: true)
                    guard e.ranges.count == 1, let only = e.ranges.first, only.lowerBound == only.upperBound, !e.negated else {
                        throw SyntaxError(message: "invalid character class range")
                    }
                    high = only.lowerBound
                } else {
                    high = h
                }
                guard high >= low else { throw SyntaxError(message: "invalid character class range") }
            }
            ranges.append(low...high)
            if caseInsensitive {
                let lo = max(low, 0x41), hi = min(high, 0x5A)
                if lo <= hi { ranges.append((lo + 32)...(hi + 32)) }
                let lo2 = max(low, 0x61), hi2 = min(high, 0x7A)
                if lo2 <= hi2 { ranges.append((lo2 - 32)...(hi2 - 32)) }
            }
        }
        return .set(ranges, negated: negated)
    }

    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            next = max(next, r.upperBound &+ 1)
        }
        if next <= 0x10FFFF { out.append(next...0x10FFFF) }
        return out
    }
}

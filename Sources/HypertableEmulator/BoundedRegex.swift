import HypertableClient

/// A regular expression that matches in time linear in the input: a Thompson NFA run as a
/// Pike VM (every live state advanced in lock step, no backtracking), so no pattern can make a
/// scan hang the broker. The syntax is the part of RE2's (what Hypertable's range servers use
/// for ROW REGEXP, VALUE REGEXP and qualifier regexps) that decides match or no match:
/// literals and escapes (`\n \t \r \f \v \xHH \x{H..}`, escaped punctuation), `.`, classes
/// (`[a-z]`, `[^...]`, `\d \D \w \W \s \S`, `[[:alpha:]]` and the other POSIX names), anchors
/// `^ $ \A \z \b \B`, groups `( )` and `(?: )`, the flag `(?i)`, alternation `|`, quantifiers
/// `* + ? {n} {n,} {n,m}` (lazy forms accepted). Like RE2 it refuses backreferences and
/// lookaround. Input is read as UTF-8 (`.` and classes match one code point; an invalid byte
/// stands for itself). Matching is a search (RE2 `PartialMatch`).
struct BoundedRegex: Sendable {
    /// Longest pattern accepted, in bytes.
    static let maxPatternLength = 4096
    /// Most NFA instructions a pattern may compile to (counted repetitions are expanded).
    static let maxProgramSize = 5000
    /// Largest count in `{n,m}` (RE2's limit).
    static let maxRepeat = 1000

    struct SyntaxError: Error, Sendable {
        var message: String
    }

    enum Assertion: Sendable {
        case beginText, endText, wordBoundary, notWordBoundary
    }

    enum Instruction: Sendable {
        case scalar(UInt32)
        case set([ClosedRange<UInt32>], negated: Bool)
        case any
        case split(Int, Int)
        case jump(Int)
        case assert(Assertion)
        case match
    }

    private let program: [Instruction]
    /// The pattern as plain bytes when it has no metacharacters (searched directly).
    private let literal: [UInt8]?
    private let anchoredAtStart: Bool

    init(_ pattern: String) throws(SyntaxError) {
        let bytes = Array(pattern.utf8)
        guard bytes.count <= Self.maxPatternLength else {
            throw SyntaxError(message: "pattern longer than \(Self.maxPatternLength) bytes")
        }
        if !bytes.contains(where: { Self.metacharacters.contains($0) }) {
            literal = bytes
            program = []
            anchoredAtStart = false
            return
        }
        var parser = RegexParser(scalars: Array(pattern.unicodeScalars.map(\.value)))
        let node = try parser.parse()
        var compiler = RegexCompiler()
        try compiler.emit(node)
        compiler.append(.match)
        program = compiler.program
        literal = nil
        if case .assert(.beginText)? = program.first { anchoredAtStart = true } else { anchoredAtStart = false }
    }

    private static let metacharacters: Set<UInt8> = Set("\\.^$|?*+()[]{}".utf8)

    /// True when the pattern matches somewhere in `input`.
    func matches(_ input: Bytes) -> Bool {
        if let literal { return Self.contains(input, literal) }
        return run(input)
    }

    private static func contains(_ haystack: Bytes, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        if needle.count > haystack.count { return false }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count && haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    /// Decodes the code point at `i`: (value, length). An invalid byte is itself, length 1.
    @inline(__always)
    private static func decode(_ b: Bytes, _ i: Int) -> (UInt32, Int) {
        let c0 = b[i]
        if c0 < 0x80 { return (UInt32(c0), 1) }
        func cont(_ k: Int) -> UInt32? {
            guard i + k < b.count, b[i + k] & 0xC0 == 0x80 else { return nil }
            return UInt32(b[i + k] & 0x3F)
        }
        if c0 & 0xE0 == 0xC0, let c1 = cont(1) {
            let v = (UInt32(c0 & 0x1F) << 6) | c1
            if v >= 0x80 { return (v, 2) }
        } else if c0 & 0xF0 == 0xE0, let c1 = cont(1), let c2 = cont(2) {
            let v = (UInt32(c0 & 0x0F) << 12) | (c1 << 6) | c2
            if v >= 0x800 { return (v, 3) }
        } else if c0 & 0xF8 == 0xF0, let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) {
            let v = (UInt32(c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
            if v >= 0x10000 && v <= 0x10FFFF { return (v, 4) }
        }
        return (UInt32(c0), 1)
    }

    static func isWord(_ c: UInt32?) -> Bool {
        guard let c else { return false }
        return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    private func run(_ input: Bytes) -> Bool {
        let count = program.count
        var current = [Int]()
        var next = [Int]()
        current.reserveCapacity(count)
        next.reserveCapacity(count)
        var marks = [Int](repeating: -1, count: count)
        var stack = [Int]()
        var generation = 0
        var previous: UInt32?
        var position = 0

        // Adds `pc` and everything reachable from it without reading input; true on a match.
        func addClosure(_ pc: Int, into list: inout [Int], previous: UInt32?, current: UInt32?, atStart: Bool, atEnd: Bool) -> Bool {
            stack.append(pc)
            while let p = stack.popLast() {
                if marks[p] == generation { continue }
                marks[p] = generation
                switch program[p] {
                case .match:
                    stack.removeAll(keepingCapacity: true)
                    return true
                case .jump(let target):
                    stack.append(target)
                case .split(let a, let b):
                    stack.append(b)
                    stack.append(a)
                case .assert(let kind):
                    let holds: Bool
                    switch kind {
                    case .beginText: holds = atStart
                    case .endText: holds = atEnd
                    case .wordBoundary: holds = Self.isWord(previous) != Self.isWord(current)
                    case .notWordBoundary: holds = Self.isWord(previous) == Self.isWord(current)
                    }
                    if holds { stack.append(p + 1) }
                case .scalar, .set, .any:
                    list.append(p)
                }
            }
            return false
        }

        while true {
            let atEnd = position >= input.count
            let (scalar, length): (UInt32?, Int) = atEnd ? (nil, 0) : Self.decode(input, position)
            generation += 1
            // Threads carried over were added with this generation's context already; a new
            // search starts here unless the pattern is anchored at the start.
            for pc in current { marks[pc] = generation }
            if !anchoredAtStart || position == 0 {
                if addClosure(0, into: &current, previous: previous, current: scalar,
                              atStart: position == 0, atEnd: atEnd) { return true }
            }
            guard let c = scalar else { return false }
            if current.isEmpty && anchoredAtStart { return false }
            generation += 1
            let nextPosition = position + length
            let nextAtEnd = nextPosition >= input.count
            let nextScalar: UInt32? = nextAtEnd ? nil : Self.decode(input, nextPosition).0
            next.removeAll(keepingCapacity: true)
            for pc in current {
                let advances: Bool
                switch program[pc] {
                case .scalar(let s): advances = s == c
                case .any: advances = c != 0x0A
                case .set(let ranges, let negated):
                    var inside = false
                    for r in ranges where r.contains(c) {
                        inside = true
                        break
                    }
                    advances = inside != negated
                default: advances = false
                }
                if advances && addClosure(pc + 1, into: &next, previous: c, current: nextScalar,
                                          atStart: false, atEnd: nextAtEnd) {
                    return true
                }
            }
            swap(&current, &next)
            previous = c
            position = nextPosition
        }
    }
}

import HypertableClient

/// The syntax of an access group's `COMPRESSOR` and `BLOOMFILTER` specs, checked as Hypertable
/// checks them when the option is set (AccessGroupOptions, with Boost's command-line parser):
/// the spec is split at every space or tab, at most one word is positional (the compressor
/// type or the bloom filter mode, not itself checked there), and the rest are the options
/// below, each at most once, as `--name value`, `--name=value` or an unambiguous prefix of
/// the name. Anything else is SCHEMA_PARSE_ERROR "Invalid compressor spec - <spec>" (or
/// "Invalid bloom filter spec - <spec>"), so a misspelt option is refused at CREATE TABLE
/// rather than stored.
enum AccessGroupSpecSyntax {
    enum Value { case flag, int16, int32, double }

    static let compressorOptions: [(name: String, value: Value)] = [
        ("best", .flag), ("normal", .flag), ("fp-len", .int16), ("offset", .int16),
    ]
    /// `-9` is the short form of `--best`.
    static let compressorShort: [Character: String] = ["9": "best"]

    static let bloomFilterOptions: [(name: String, value: Value)] = [
        ("bits-per-item", .double), ("num-hashes", .int32), ("false-positive", .double), ("max-approx-items", .int32),
    ]

    static func validate(_ options: AccessGroupOptions) throws(ClientException) {
        if let c = options.compressor, !c.isEmpty, !valid(c, compressorOptions, compressorShort) {
            throw ClientException(.schemaParseError, "Invalid compressor spec - \(c)")
        }
        if let b = options.bloomFilter, !b.isEmpty, !valid(b, bloomFilterOptions, [:]) {
            throw ClientException(.schemaParseError, "Invalid bloom filter spec - \(b)")
        }
    }

    static func valid(_ spec: String, _ known: [(name: String, value: Value)], _ short: [Character: String]) -> Bool {
        // Boost's split keeps the empty words between two separators; each counts as a
        // positional argument, so "zlib  --best" (two spaces) has two and is refused there too.
        let words = spec.split(omittingEmptySubsequences: false, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var positional = 0
        var seen: Set<String> = []
        var i = 0
        while i < words.count {
            let word = words[i]
            i += 1
            var name: String
            var inlineValue: String?
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                guard !body.isEmpty else { return false }
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq])
                    inlineValue = String(body[body.index(after: eq)...])
                } else {
                    name = String(body)
                }
                let exact = known.filter { $0.name == name }
                let candidates = exact.isEmpty ? known.filter { $0.name.hasPrefix(name) } : exact
                guard candidates.count == 1 else { return false }
                name = candidates[0].name
            } else if word.hasPrefix("-"), word.count >= 2 {
                let rest = word.dropFirst()
                guard let letter = rest.first, let long = short[letter] else { return false }
                name = long
                if rest.count > 1 { inlineValue = String(rest.dropFirst()) }
            } else {
                positional += 1
                guard positional <= 1 else { return false }
                continue
            }
            guard seen.insert(name).inserted, let kind = known.first(where: { $0.name == name })?.value else { return false }
            if kind == .flag {
                guard inlineValue == nil else { return false }
                continue
            }
            let value: String
            if let inlineValue { value = inlineValue } else {
                guard i < words.count else { return false }
                value = words[i]
                i += 1
            }
            switch kind {
            case .flag: break
            case .int16: guard Int16(value) != nil else { return false }
            case .int32: guard Int32(value) != nil else { return false }
            case .double: guard let d = Double(value), d.isFinite else { return false }
            }
        }
        return true
    }
}

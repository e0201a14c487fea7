import HQL
import HypertableClient

/// `LOAD DATA INFILE [options] "file" INTO TABLE name` as Hypertable's shell runs it
/// (`Lib/LoadDataSource.cc`): the file is read on the shell's side and its cells are written
/// through a mutator. Only the script runner uses it (a broker never reads client files).
///
/// Formats, as Hypertable detects them from the first line:
/// - a `#`-header naming the columns: one row per line, the row key from `ROW_KEY_COLUMN`
///   (default the first column), every other column a cell of the family (`family[:qualifier]`)
///   it names, `TIMESTAMP_COLUMN` giving the timestamp; `DUP_KEY_COLS` also stores the key
///   columns as cells;
/// - `[timestamp TAB] row TAB column TAB value` (header `#row..` / `#timestamp..`, or no header
///   with 2 or 3 separators, or `SINGLE_CELL_FORMAT`): one cell per line.
/// Values are unescaped (`\t \n \\ \0`) unless `NO_ESCAPE` (or `NOESCAPE`); empty lines are
/// skipped. Options follow Hypertable's grammar: `FS = 'c'`, `DUP_KEY_COLS [= true|false]`, `NO_LOG`.
///
/// `HEADER_FILE = "file"` takes the header from the first line of another file (every line of
/// the data file is then data); `ROW_UNIQUIFY_CHARS = n` appends a space and n random
/// characters of the base64 alphabet to each line's row key (Hypertable's
/// `FixedRandomStringGenerator`), so lines with equal keys land in different rows.
struct HQLLoadData {
    var file = ""
    var table = ""
    var rowKeyColumns: [String] = []
    var timestampColumn: String?
    var duplicateKeyColumns = false
    var ignoreUnknownFamilies = false
    var singleCellFormat = false
    var fieldSeparator: UInt8 = 0x09
    var noEscape = false
    /// `HEADER_FILE`: read through the same file reader as the data file.
    var headerFile: String?
    var rowUniquifyChars = 0

    /// Parses the command; nil when it is not a LOAD DATA INFILE into a table.
    static func parse(_ command: String) throws(ClientException) -> HQLLoadData? {
        let tokens: [HQLToken]
        do { tokens = try HQLLexer.tokenize(command) } catch { throw ClientException(.hqlParseError, error.message) }
        var i = 0
        func word(_ w: String) -> Bool {
            if i < tokens.count, case .word(let x) = tokens[i].kind, x.uppercased() == w { i += 1; return true }
            return false
        }
        func text() -> String? {
            guard i < tokens.count else { return nil }
            switch tokens[i].kind {
            case .word(let s), .string(let s), .number(let s): i += 1; return s
            default: return nil
            }
        }
        func equals() { if i < tokens.count, tokens[i].kind == .symbol("=") { i += 1 } }
        guard word("LOAD"), word("DATA"), word("INFILE") else { return nil }
        var load = HQLLoadData()
        while true {
            if word("ROW_KEY_COLUMN") {
                equals()
                guard let first = text() else { throw ClientException(.hqlParseError, "Bad ROW_KEY_COLUMN") }
                load.rowKeyColumns = [first]
                while i < tokens.count, tokens[i].kind == .symbol("+") {
                    i += 1
                    guard let next = text() else { throw ClientException(.hqlParseError, "Bad ROW_KEY_COLUMN") }
                    load.rowKeyColumns.append(next)
                }
            } else if word("TIMESTAMP_COLUMN") {
                equals()
                load.timestampColumn = text()
            } else if word("DUP_KEY_COLS") {
                // `DUP_KEY_COLS = true|false` or the bare flag, as Hypertable's grammar has it.
                load.duplicateKeyColumns = true
                if i < tokens.count, tokens[i].kind == .symbol("=") {
                    i += 1
                    if word("TRUE") { load.duplicateKeyColumns = true } else if word("FALSE") {
                        load.duplicateKeyColumns = false
                    } else {
                        throw ClientException(.hqlParseError, "DUP_KEY_COLS takes true or false")
                    }
                }
            } else if word("DUPLICATE_KEY_COLUMNS") {
                load.duplicateKeyColumns = true
            } else if word("IGNORE_UNKNOWN_CFS") || word("IGNORE_UNKNOWN_COLUMNS") {
                load.ignoreUnknownFamilies = true
            } else if word("SINGLE_CELL_FORMAT") {
                load.singleCellFormat = true
            } else if word("NO_ESCAPE") || word("NOESCAPE") {
                load.noEscape = true
            } else if word("HEADER_FILE") {
                equals()
                guard i < tokens.count, case .string(var name) = tokens[i].kind else {
                    throw ClientException(.hqlParseError, "HEADER_FILE needs a quoted file name")
                }
                i += 1
                if name.hasPrefix("fs://") || name.hasPrefix("dfs://") {
                    throw ClientException(.hqlParseError, "Header file must be in local filesystem, not in the brokered FS")
                }
                if name.hasPrefix("file://") { name.removeFirst(7) }
                load.headerFile = name
            } else if word("ROW_UNIQUIFY_CHARS") {
                equals()
                guard i < tokens.count, case .number(let digits) = tokens[i].kind, let n = Int(digits), n <= 65_536 else {
                    throw ClientException(.hqlParseError, "ROW_UNIQUIFY_CHARS takes a number of characters")
                }
                i += 1
                load.rowUniquifyChars = n
            } else if word("NO_LOG") {
                // Skips the range servers' commit log: durability only, and an in-memory
                // store has no log, so the load is otherwise the same.
            } else if word("FS") || word("FIELD_SEPARATOR") {
                // `FS = '<char>'` is Hypertable's spelling; FIELD_SEPARATOR is kept for scripts
                // written against earlier versions of the emulator.
                equals()
                guard let s = text(), s.utf8.count == 1, let b = s.utf8.first else {
                    throw ClientException(.hqlParseError, "Field separator must be a single character")
                }
                load.fieldSeparator = b
            } else {
                break
            }
        }
        guard i < tokens.count, case .string(let file) = tokens[i].kind else {
            throw ClientException(.hqlParseError, "LOAD DATA INFILE needs a quoted file name")
        }
        i += 1
        guard word("INTO") else { throw ClientException(.hqlParseError, "Expected INTO") }
        guard word("TABLE"), let table = text() else {
            return nil
        }
        load.file = file
        load.table = table
        return load
    }

    /// The cells of each data line (1-based line numbers, as the shell reports them).
    /// - Parameters:
    ///   - headerLine: the first line of the `HEADER_FILE`, when one is given.
    ///   - uniquifier: n random characters for `ROW_UNIQUIFY_CHARS` (tests pass their own).
    func lines(of data: Bytes, headerLine: Bytes? = nil,
               uniquifier: (Int) -> Bytes = HQLLoadData.randomCharacters) throws(ClientException) -> [(line: Int, cells: [Cell])] {
        var rawLines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == 0x0D ? line.dropLast() : line
        }
        if rawLines.last?.isEmpty == true { rawLines.removeLast() }
        let sep = fieldSeparator
        let rowColumnValue: [String] = ["row", "column", "value"]
        var header: [String]
        var dataStart = 1
        if let headerLine {
            // LoadDataSource::parse_header on the header file's first line; the data file
            // holds data only.
            var text = String(decoding: headerLine, as: UTF8.self)
            if text.first == "#" {
                text.removeFirst()
                while text.first == " " || text.first == "\t" { text.removeFirst() }
            }
            header = text.split(separator: Character(UnicodeScalar(sep)), omittingEmptySubsequences: false).map(String.init)
            dataStart = 0
        } else if rawLines.isEmpty {
            return []
        } else if singleCellFormat || rawLines[0].first != 0x23 {
            let first = rawLines[0]
            let separators = first.filter { $0 == sep }.count
            guard separators == 2 || separators == 3 else {
                throw ClientException(.hqlBadLoadFileFormat,
                                      "Untable to autodetect format, expected 2 or 3 field separators, got \(separators)")
            }
            header = separators == 2 ? rowColumnValue : ["timestamp"] + rowColumnValue
            let headerText = "#" + header.joined(separator: String(UnicodeScalar(sep)))
            if Array(first) != Array(headerText.utf8) { dataStart = 0 }
        } else {
            var text = String(decoding: rawLines[0].dropFirst(), as: UTF8.self)
            while text.first == " " || text.first == "\t" { text.removeFirst() }
            header = text.split(separator: Character(UnicodeScalar(sep)), omittingEmptySubsequences: false).map(String.init)
        }
        guard header.count < 256 else { throw ClientException(.tooManyColumns, "Too many columns in load file header") }

        // Single-cell layout: [timestamp] (row|rowkey) (column|columnkey) value.
        var singleCell = false
        var leadingTimestamp = false
        if header.count == 3 || header.count == 4 {
            let k = header.count - 3
            if ["rowkey", "row"].contains(header[k]), ["columnkey", "column"].contains(header[k + 1]), header[k + 2] == "value",
               k == 0 || header[0] == "timestamp" {
                singleCell = true
                leadingTimestamp = k == 1
            }
        }
        var keyIndexes: [Int] = []
        for name in rowKeyColumns {
            guard let index = header.firstIndex(of: name) else {
                throw ClientException(.hqlBadLoadFileFormat, "key column '\(name)' not found in input file")
            }
            keyIndexes.append(index)
        }
        if keyIndexes.isEmpty { keyIndexes = [leadingTimestamp ? 1 : 0] }
        let timestampIndex = timestampColumn.flatMap { header.firstIndex(of: $0) }
        if !singleCell && header.count < 2 {
            throw ClientException(.hqlBadLoadFileFormat, "No columns specified in load file")
        }

        var out: [(line: Int, cells: [Cell])] = []
        for (n, raw) in rawLines.enumerated() where n >= dataStart {
            if raw.isEmpty { continue }
            let fields = raw.split(separator: sep, omittingEmptySubsequences: false).map { Array($0) }
            var cells: [Cell] = []
            if singleCell {
                let k = leadingTimestamp ? 1 : 0
                guard fields.count >= k + 3 else { continue }
                let timestamp = leadingTimestamp ? Self.parseTimestamp(fields[0]) : nil
                let (family, qualifier) = Self.splitColumn(fields[k + 1])
                cells.append(Cell(key: Key(row: uniquified(unescape(fields[k]), uniquifier), columnFamily: family, columnQualifier: unescape(qualifier),
                                           timestamp: timestamp),
                                  value: unescape(Array(fields[(k + 2)...].joined(separator: [sep])))))
            } else {
                let row = uniquified(Array(keyIndexes.compactMap { $0 < fields.count ? unescape(fields[$0]) : nil }
                    .joined(separator: [0x20])), uniquifier)
                let timestamp = timestampIndex.flatMap { $0 < fields.count ? Self.parseTimestamp(fields[$0]) : nil }
                for (index, value) in fields.enumerated() where index < header.count {
                    if index == timestampIndex { continue }
                    if keyIndexes.contains(index) && !duplicateKeyColumns { continue }
                    if value.isEmpty { continue }
                    let (family, qualifier) = Self.splitColumn(Array(header[index].utf8))
                    cells.append(Cell(key: Key(row: row, columnFamily: family, columnQualifier: qualifier, timestamp: timestamp),
                                      value: unescape(value)))
                }
            }
            out.append((n + 1, cells))
        }
        return out
    }

    /// The row key with `ROW_UNIQUIFY_CHARS`' suffix: a space and the random characters.
    private func uniquified(_ row: Bytes, _ uniquifier: (Int) -> Bytes) -> Bytes {
        rowUniquifyChars > 0 ? row + [0x20] + uniquifier(rowUniquifyChars) : row
    }

    /// n characters of the base64 alphabet, as `FixedRandomStringGenerator` writes them.
    static func randomCharacters(_ n: Int) -> Bytes {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var generator = SystemRandomNumberGenerator()
        return (0..<n).map { _ in alphabet[Int(generator.next() % 64)] }
    }

    private static func splitColumn(_ column: Bytes) -> (String, Bytes) {
        guard let colon = column.firstIndex(of: 0x3A) else { return (String(decoding: column, as: UTF8.self), []) }
        return (String(decoding: column[..<colon], as: UTF8.self), Array(column[(colon + 1)...]))
    }

    private func unescape(_ bytes: Bytes) -> Bytes {
        noEscape ? bytes : LoadDataEscape.unescape(bytes[...])
    }

    /// A load file's timestamp: nanoseconds as digits, or `YYYY-MM-DD HH:MM:SS[.fraction]`
    /// in the local time zone, as the shell reads it with mktime (anything after the seconds
    /// other than a fraction is ignored, as the shell does).
    static func parseTimestamp(_ field: Bytes) -> Int64? {
        let text = String(decoding: field, as: UTF8.self)
        if let t = HQLTimestamp.parse(text), !text.contains(":") || text.split(separator: ":").count <= 3 { return t }
        // `2009-02-12 02:12:13:1`: keep the date and time to the second.
        let seconds = String(text.prefix(19))
        return HQLTimestamp.parse(seconds)
    }
}

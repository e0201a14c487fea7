import HQL
import HypertableClient

/// One input line of a script as Hypertable's shell handles it in test mode: the line echoed
/// (trimmed), the commands it completed, and everything printed after the echo.
public struct HQLScriptStep: Sendable, Hashable {
    /// The input line, trimmed, as `hypertable --test-mode` echoes it.
    public var line: String
    /// The `;`-terminated commands this line completed, in order (trimmed, without `;`).
    public var commands: [String]
    /// The lines printed after the echo: cells, result lines, error lines.
    public var output: [String]
    /// Commands the emulator cannot run, with why (e.g. `LOAD DATA INFILE` reads a local file).
    public var unsupported: [String]

    public init(line: String, commands: [String] = [], output: [String] = [], unsupported: [String] = []) {
        self.line = line
        self.commands = commands
        self.output = output
        self.unsupported = unsupported
    }
}

/// Runs an HQL script against an `EmulatedBroker` the way Hypertable's command shell does
/// with `--batch --test-mode` (`Tools/Lib/CommandShell.cc`, `Lib/HqlInterpreter.cc`), so its
/// transcript can be compared with the output of a real Hypertable:
/// - every input line is echoed trimmed (a line starting with `quit` is not);
/// - commands end at a `;` outside quotes and may span lines (joined by one space); a command
///   starting with `#` is a comment;
/// - SELECT cells print as `[timestamp TAB] row TAB family[:qualifier] TAB value`, delete
///   markers with `DELETE ROW` / `DELETE COLUMN FAMILY` / `DELETE CELL` / `DELETE CELL VERSION`,
///   `KEYS_ONLY` as the row alone; timestamps as `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` in the local
///   time zone (`TZ`), as the shell prints them; timestamps in the script (and in loaded files)
///   are read in the same zone, so they round-trip;
/// - result strings (SHOW, DESCRIBE, GET LISTING, EXISTS) print each followed by a newline;
/// - an error prints `Hypertable CRITICAL - <error text> (<message>)` and drops the rest of
///   the line's commands; a mutator's BAD_KEY also prints the two `ERROR ht_hypertable` lines
///   the client library logs;
/// - `pause N` moves the broker's clock N seconds on instead of sleeping;
/// - `COMPACT` is a no-op (an in-memory store has nothing to compact);
/// - `LOAD DATA INFILE` reads its file through `readFile` (reported unsupported without one);
///   `SELECT ... INTO FILE` and `DUMP TABLE` are reported unsupported.
///
/// Not thread-safe: one runner per script.
public final class HQLScriptRunner {
    public let broker: EmulatedBroker
    private let session: EmulatorSession
    /// The namespace commands run in (canonical path, "" is the root).
    public private(set) var namespace = ""

    /// Reads a file named by `LOAD DATA INFILE` (as the shell would, relative to its working
    /// directory); without it, LOAD DATA is reported unsupported.
    private let readFile: ((String) -> [UInt8]?)?

    public init(broker: EmulatedBroker = EmulatedBroker(), readFile: ((String) -> [UInt8]?)? = nil) {
        self.broker = broker
        self.session = broker.makeSession()
        self.readFile = readFile
    }

    deinit {
        session.close()
    }

    /// Runs `script` line by line and returns one step per input line.
    public func run(_ script: String) -> [HQLScriptStep] {
        var lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var steps: [HQLScriptStep] = []
        var accumulated = ""
        for raw in lines {
            let line = Self.trim(raw)
            var step = HQLScriptStep(line: line)
            if line.isEmpty {
                steps.append(step)
                continue
            }
            let lower = line.lowercased()
            if lower.hasPrefix("quit") || line == "\\q" || lower.hasPrefix("exit") { break }
            if lower.hasPrefix("clear") || line == "\\c" {
                accumulated = ""
                steps.append(step)
                continue
            }
            var queue: [String] = []
            var base = Substring(line)
            while let semicolon = Self.findSemicolon(base) {
                accumulated += base[..<semicolon]
                if !accumulated.isEmpty {
                    let command = Self.trim(accumulated)
                    if !command.hasPrefix("#") && !command.isEmpty { queue.append(command) }
                    accumulated = ""
                }
                base = base[base.index(after: semicolon)...]
            }
            let rest = Self.trim(String(base))
            if !rest.isEmpty && !rest.hasPrefix("#") {
                accumulated = Self.trim(accumulated + rest)
            }
            if !accumulated.isEmpty { accumulated += " " }
            for command in queue {
                step.commands.append(command)
                if !execute(command, into: &step) {
                    accumulated = ""
                    break
                }
            }
            steps.append(step)
        }
        return steps
    }

    /// The transcript as the shell writes it: each echoed line, then its output.
    public static func transcript(_ steps: [HQLScriptStep]) -> String {
        var out = ""
        for step in steps {
            if !step.line.lowercased().hasPrefix("quit") { out += step.line + "\n" }
            for line in step.output { out += line + "\n" }
        }
        return out
    }

    // MARK: commands

    /// Runs one command, appending what the shell prints; false when it failed.
    private func execute(_ command: String, into step: inout HQLScriptStep) -> Bool {
        if command.hasPrefix("pause") {
            guard let seconds = Int64(Self.trim(String(command.dropFirst(5)))) else {
                step.output.append("error: invalid seconds specification")
                return true
            }
            broker.advanceClock(nanoseconds: seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue)
            return true
        }
        do throws(ClientException) {
            if let load = try HQLLoadData.parse(command) {
                guard let readFile else {
                    step.unsupported.append("LOAD DATA INFILE reads a file on the shell's host (no file reader given)")
                    return true
                }
                try run(load, readFile, into: &step)
                return true
            }
        } catch {
            step.output.append(Self.critical(error))
            return false
        }
        if let reason = Self.unsupportedReason(command) {
            step.unsupported.append(reason)
            return true
        }
        if let table = Self.compactTarget(command) {
            if let table, !broker.tableExists(namespace, table) {
                step.output.append(Self.critical(ClientException(.tableNotFound, table)))
                return false
            }
            return true
        }
        do throws(ClientException) {
            let statement: HQLStatement
            do {
                statement = try HQLParser.parse(command)
            } catch {
                throw ClientException(error.kind == .badCommand ? .hqlBadCommand : .hqlParseError, error.message)
            }
            try run(statement, into: &step)
            return true
        } catch {
            if case .insert = (try? HQLParser.parse(command)), error.code == HypertableErrorCode.badKey.rawValue {
                step.output += Self.mutatorLog(operation: "set_cells", error)
            }
            step.output.append(Self.critical(error))
            return false
        }
    }

    private func run(_ statement: HQLStatement, into step: inout HQLScriptStep) throws(ClientException) {
        if case .use(let name) = statement {
            let path = NamespacePath.resolve(name, relativeTo: namespace)
            guard broker.namespaceExists(path) else { throw ClientException(.namespaceDoesNotExist, path) }
            namespace = path
            return
        }
        let result = try HQLExecutor(session: session, namespace: namespace).execute(statement, unbuffered: false)
        for text in result.results ?? [] {
            step.output += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        if case .select(let query) = statement {
            for cell in result.cells ?? [] { step.output.append(Self.render(cell, query)) }
        }
    }

    /// Writes a load file's cells one by one; a bad key stops the load with the line number,
    /// after the message the mutator logs.
    private func run(_ load: HQLLoadData, _ readFile: (String) -> [UInt8]?,
                     into step: inout HQLScriptStep) throws(ClientException) {
        guard broker.tableExists(namespace, load.table) else {
            throw ClientException(.tableNotFound, namespace.isEmpty ? load.table : namespace + "/" + load.table)
        }
        var headerLine: [UInt8]?
        if let name = load.headerFile {
            // LoadDataSource's constructor checks the header file before the data file is opened.
            guard let header = readFile(name) else {
                throw ClientException(.fileNotFound, "Unable to open header file '\(name)'")
            }
            var first = Array(header.prefix { $0 != 0x0A })
            if first.last == 0x0D { first.removeLast() }
            headerLine = first
        }
        guard let data = readFile(load.file) else { throw ClientException(.fileNotFound, load.file) }
        for (line, cells) in try load.lines(of: data, headerLine: headerLine) {
            for cell in cells {
                do throws(ClientException) {
                    try broker.write(namespace, load.table, cells: [cell], ignoreUnknownFamilies: load.ignoreUnknownFamilies)
                } catch where error.code == HypertableErrorCode.badKey.rawValue {
                    step.output += Self.mutatorLog(operation: "set", error)
                    throw ClientException(.badKey, "line number \(line)")
                }
            }
        }
    }

    /// The two lines `TableMutatorAsync` logs for a bad key.
    static func mutatorLog(operation: String, _ error: ClientException) -> [String] {
        ["ERROR ht_hypertable : \(operation): Hypertable::Exception: \(error.message) - "
            + (HypertableErrorCode(rawValue: error.code)?.text ?? ""),
         "\tat void Hypertable::TableMutatorAsync::to_full_key(const void*, const char*, const void*, int64_t, "
            + "int64_t, uint8_t, Hypertable::Key&, Hypertable::ColumnFamilySpec**) (src/cc/Hypertable/Lib/TableMutatorAsync.cc)"]
    }

    /// `Hypertable CRITICAL - <text> (<message>)`, as the shell reports an exception.
    static func critical(_ error: ClientException) -> String {
        let text = HypertableErrorCode(rawValue: error.code)?.text ?? "ERROR NOT REGISTERED"
        return "Hypertable CRITICAL - \(text) (\(error.message))"
    }

    /// One cell as `cmd_select` prints it (field separator TAB; escaping on unless NO_ESCAPE;
    /// the revision, then the timestamp, first when asked for).
    static func render(_ cell: Cell, _ query: HQLSelect) -> String {
        var line = ""
        if query.displayRevisions, let r = cell.key.revision { line += HQLTimestamp.format(r) + "\t" }
        if query.displayTimestamps, let t = cell.key.timestamp { line += HQLTimestamp.format(t) + "\t" }
        func escape(_ bytes: Bytes) -> String {
            query.noEscape ? String(decoding: bytes, as: UTF8.self) : Self.escape(bytes)
        }
        let row = escape(cell.key.row)
        if query.keysOnly { return line + row }
        line += row
        if !cell.key.columnFamily.isEmpty {
            line += "\t" + cell.key.columnFamily
            if !cell.key.columnQualifier.isEmpty { line += ":" + escape(cell.key.columnQualifier) }
        }
        line += "\t"
        let value = escape(cell.value ?? [])
        switch cell.key.flag {
        case .insert: line += value
        case .deleteRow: line += "\tDELETE ROW"
        case .deleteColumnFamily: line += value + "\tDELETE COLUMN FAMILY"
        case .deleteCell: line += value + "\tDELETE CELL"
        case .deleteCellVersion: line += value + "\tDELETE CELL VERSION"
        }
        return line
    }

    /// The shell's `LoadDataEscape`: backslash, newline, tab and NUL written as `\\`, `\n`,
    /// `\t`, `\0`, so a cell stays on one line.
    static func escape(_ bytes: Bytes) -> String {
        String(decoding: LoadDataEscape.escape(bytes), as: UTF8.self)
    }

    // MARK: statements the emulator does not run

    private static func words(_ command: String) -> [String] {
        command.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map { $0.uppercased() }
    }

    /// Why a command cannot run here (it reads or writes files on the shell's host), or nil.
    static func unsupportedReason(_ command: String) -> String? {
        let w = words(command)
        guard let first = w.first else { return nil }
        if first == "LOAD" { return "LOAD DATA INFILE into a file is not supported" }
        if first == "DUMP" { return "DUMP TABLE writes a file on the shell's host" }
        if first == "SELECT", let into = w.firstIndex(of: "INTO"), into + 1 < w.count, w[into + 1] == "FILE" {
            return "SELECT ... INTO FILE writes a file on the shell's host"
        }
        return nil
    }

    /// For `COMPACT [TABLE name | RANGES ...]`: .some(table name or nil); nil otherwise.
    static func compactTarget(_ command: String) -> String?? {
        let parts = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.first?.uppercased() == "COMPACT" else { return nil }
        if parts.count >= 3, parts[1].uppercased() == "TABLE" {
            return .some(Self.unquote(parts[2]))
        }
        return .some(nil)
    }

    private static func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, f == "'" || f == "\"", s.last == f { return String(s.dropFirst().dropLast()) }
        return s
    }

    // MARK: shell lexing

    /// `boost::trim`: spaces, tabs, CR, LF, VT, FF at both ends.
    static func trim(_ s: String) -> String {
        let ws: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
        let b = Array(s.utf8)
        var start = 0, end = b.count
        while start < end && ws.contains(b[start]) { start += 1 }
        while end > start && ws.contains(b[end - 1]) { end -= 1 }
        if start == 0 && end == b.count { return s }
        return String(decoding: b[start..<end], as: UTF8.self)
    }

    /// The shell's `find_char(s, ';')`: the first `;` outside single or double quotes (a
    /// quote preceded by a backslash does not close).
    static func findSemicolon(_ s: Substring) -> String.Index? {
        var quote: Character?
        var previous: Character?
        for i in s.indices {
            let c = s[i]
            if let q = quote {
                if c == q && previous != "\\" { quote = nil }
            } else if c == ";" {
                return i
            } else if c == "'" || c == "\"" {
                quote = c
            }
            previous = c
        }
        return nil
    }
}

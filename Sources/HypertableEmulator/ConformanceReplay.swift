/// The outcome of replaying an HQL script against the emulator and comparing, statement by
/// statement, with what a real Hypertable printed for it.
public struct ConformanceReport: Sendable, Hashable {
    /// A statement whose output differed.
    public struct Failure: Sendable, Hashable {
        /// 1-based line of the script where the statement ends.
        public var line: Int
        /// The statement(s) completed on that line.
        public var statement: String
        public var expected: [String]
        public var actual: [String]
    }

    /// A statement the emulator does not run, with why.
    public struct Skip: Sendable, Hashable {
        public var line: Int
        public var statement: String
        public var reason: String
    }

    /// Statements whose output matched exactly.
    public var passed = 0
    /// Every statement compared or skipped (`passed + failures.count + skipped.count`).
    public var total = 0
    public var failures: [Failure] = []
    public var skipped: [Skip] = []
    /// Set when the expected transcript could not be lined up with the script (it is then
    /// not the output of this script); the statements from there on count as failures.
    public var misalignedAtLine: Int?

    public init() {}

    /// A readable report: counts, then each failure with expected and actual lines.
    public var summary: String {
        var s = "conformance: \(passed) of \(total) statements passed, \(failures.count) failed, \(skipped.count) skipped\n"
        if let line = misalignedAtLine { s += "expected output stops matching the script at line \(line)\n" }
        for skip in skipped { s += "SKIP line \(skip.line): \(skip.statement)\n  (\(skip.reason))\n" }
        for f in failures {
            s += "FAIL line \(f.line): \(f.statement)\n"
            for e in f.expected { s += "  - \(e)\n" }
            for a in f.actual { s += "  + \(a)\n" }
        }
        return s
    }
}

/// Replays a Hypertable shell script (e.g. Hypertable's own regression test,
/// `hypertable_test.hql`) on a fresh `EmulatedBroker` with `HQLScriptRunner`, and compares the
/// output of each statement with the expected transcript (`hypertable --test-mode < script`,
/// e.g. `hypertable_test.golden`). The transcript is split at the echoed input lines, so one
/// difference costs one statement, not the rest of the file. Timestamps are read and printed in
/// the process's time zone (`TZ`), as the shell does; `Tests/Conformance/replay.sh` pins UTC.
public enum ConformanceReplay {
    /// - Parameter readFile: reads the data files the script loads (`LOAD DATA INFILE`), e.g.
    ///   by name relative to the script's directory; without it those statements are skipped.
    public static func run(hql: String, golden: String, readFile: ((String) -> [UInt8]?)? = nil) -> ConformanceReport {
        run(hql: hql, golden: golden, runner: HQLScriptRunner(readFile: readFile))
    }

    static func run(hql: String, golden: String, runner: HQLScriptRunner) -> ConformanceReport {
        let steps = runner.run(hql)
        var expectedLines = golden.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if expectedLines.last == "" { expectedLines.removeLast() }

        var report = ConformanceReport()
        var g = 0
        var sourceLine = 0
        var aligned = true
        for (i, step) in steps.enumerated() {
            sourceLine += 1
            var expected: [String] = []
            if aligned, let echo = firstIndex(of: step.line, in: expectedLines, from: g) {
                g = echo + 1
                // The output ends where the next echoes begin: the lines that print nothing
                // (blank, comments, parts of a statement) and the next line that completes a
                // command, all echoed back to back.
                var echoes: [String] = []
                var j = i + 1
                while j < steps.count {
                    echoes.append(steps[j].line)
                    if !steps[j].commands.isEmpty { break }
                    j += 1
                }
                let end = echoes.isEmpty ? expectedLines.count
                    : firstIndex(of: echoes, in: expectedLines, from: g) ?? expectedLines.count
                expected = Array(expectedLines[g..<end])
                g = end
            } else if aligned {
                aligned = false
                report.misalignedAtLine = sourceLine
            }
            if step.commands.isEmpty && expected.isEmpty && step.output.isEmpty { continue }
            let statement = step.commands.isEmpty ? step.line : step.commands.joined(separator: "; ")
            report.total += 1
            if !step.unsupported.isEmpty {
                report.skipped.append(.init(line: sourceLine, statement: statement,
                                            reason: step.unsupported.joined(separator: "; ")))
            } else if aligned && expected == step.output {
                report.passed += 1
            } else {
                report.failures.append(.init(line: sourceLine, statement: statement, expected: expected, actual: step.output))
            }
        }
        return report
    }

    private static func firstIndex(of run: [String], in lines: [String], from start: Int) -> Int? {
        var i = start
        while i + run.count <= lines.count {
            if lines[i] == run[0] && lines[i..<(i + run.count)].elementsEqual(run) { return i }
            i += 1
        }
        return nil
    }

    private static func firstIndex(of line: String, in lines: [String], from start: Int) -> Int? {
        var i = start
        while i < lines.count {
            if lines[i] == line { return i }
            i += 1
        }
        return nil
    }
}

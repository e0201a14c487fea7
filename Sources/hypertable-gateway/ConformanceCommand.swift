import ArgumentParser
import Foundation
import HypertableEmulator

struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Replay an HQL script against a fresh embedded broker and compare with a golden transcript.",
        discussion: """
        Made for Hypertable's regression test (hypertable_test.hql with hypertable_test.golden);
        Tests/Conformance/replay.sh extracts them from a Hypertable clone and runs this.
        Data files named by LOAD DATA INFILE are read relative to the script's directory.
        Exits 1 when any statement's output differs.
        """)

    @Option(name: .long, help: "The HQL script.")
    var hql: String

    @Option(name: .long, help: "The expected transcript (hypertable --test-mode output).")
    var golden: String

    @Flag(name: .long, help: "Print each differing statement with expected and actual output.")
    var verbose = false

    func run() throws {
        let script = try String(contentsOfFile: hql, encoding: .utf8)
        let expected = try String(contentsOfFile: golden, encoding: .utf8)
        let directory = URL(fileURLWithPath: hql).deletingLastPathComponent()
        let report = ConformanceReplay.run(hql: script, golden: expected) { name in
            let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : directory.appendingPathComponent(name)
            return (try? Data(contentsOf: url)).map { Array($0) }
        }
        if verbose {
            for failure in report.failures {
                print("--- line \(failure.line): \(failure.statement)")
                print("expected:\n" + failure.expected.joined(separator: "\n"))
                print("actual:\n" + failure.actual.joined(separator: "\n"))
            }
        }
        print(report.summary)
        if !report.failures.isEmpty || report.misalignedAtLine != nil {
            throw ExitCode(1)
        }
    }
}

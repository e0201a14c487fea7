import ArgumentParser

struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Replay Hypertable's HQL regression test against the embedded broker (not yet wired).",
        shouldDisplay: false)

    func run() throws {
        throw ValidationError("conformance replay is not wired yet")
    }
}

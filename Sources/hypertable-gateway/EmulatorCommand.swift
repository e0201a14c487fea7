import ArgumentParser
import Foundation
import HypertableEmulator

struct EmulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run only the embedded broker, as a ThriftBroker any Thrift client can use.")

    @Option(name: .long, help: "Listen address.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Thrift port (the ThriftBroker's default is 15867; 0 picks a free one).")
    var port = 15867

    func run() throws {
        let signals = ProcessSignals.start()
        signal(SIGPIPE, SIG_IGN)
        let server = EmulatorServer(broker: EmulatedBroker(), host: host, port: port)
        try server.start()
        logLine("""
        {"msg":"EMBEDDED BROKER: data lives in memory only and is lost when the process exits",\
        "thrift_address":"\(host):\(server.port)"}
        """)
        signals.waitForStop()
        server.stop()
    }
}

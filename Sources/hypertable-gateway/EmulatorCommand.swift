import ArgumentParser
import Foundation
import HypertableEmulator
import Logging

struct EmulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run only the embedded broker, as a ThriftBroker any Thrift client can use.")

    @Option(name: .long, help: "Listen address.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Thrift port (the ThriftBroker's default is 15867; 0 picks a free one).")
    var port = 15867

    @Option(name: .long, help: "Least severe log records written: trace, debug, info, notice, warning, error, critical (GATEWAY_LOG_LEVEL, default info).")
    var logLevel: String?

    func run() throws {
        let signals = ProcessSignals.start()
        let logger = try Observability(level: resolveLogLevel(logLevel)).logger
        signal(SIGPIPE, SIG_IGN)
        let server = EmulatorServer(broker: EmulatedBroker(), host: host, port: port)
        try server.start()
        logger.warning("EMBEDDED BROKER: data lives in memory only and is lost when the process exits",
                       metadata: ["thrift_address": "\(host):\(server.port)"])
        signals.waitForStop()
        server.stop()
    }
}

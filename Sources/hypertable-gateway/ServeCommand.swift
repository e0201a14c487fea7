import ArgumentParser
import Foundation
import Gateway
import HypertableEmulator

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve HTTP (the default command).")

    @Option(name: .long, help: "Listen on HOST:PORT; port 0 picks a free port (GATEWAY_LISTEN, default 127.0.0.1:8080).")
    var listen: String?

    @Option(name: .long, help: "ThriftBroker host(s), comma-separated, host or host:port (HYPERTABLE_HOST, default localhost).")
    var brokerHost: String?

    @Option(name: .long, help: "ThriftBroker port (HYPERTABLE_PORT, default 15867).")
    var brokerPort: Int?

    @Option(name: .long, help: "Connect and call timeout in ms (HYPERTABLE_TIMEOUT_MSECS, default 30000).")
    var timeoutMsecs: Int?

    @Option(name: .long, help: "Idle connections kept; 0 = one connection per request (HYPERTABLE_POOL_SIZE, default 5).")
    var poolSize: Int?

    @Option(name: .long, help: "Extra connections when all are busy (HYPERTABLE_MAX_OVERFLOW, default 10).")
    var maxOverflow: Int?

    @Flag(name: .long, help: "Run the embedded in-memory broker in this process and use it. Data lives in memory only.")
    var embedded = false

    @Option(name: .long, help: "With --embedded: also serve the embedded broker's Thrift port on 127.0.0.1:PORT.")
    var embeddedThriftPort: Int?

    func run() throws {
        var environment = ProcessInfo.processInfo.environment
        if let listen { environment["GATEWAY_LISTEN"] = listen }
        if let brokerHost { environment["HYPERTABLE_HOST"] = brokerHost }
        if let brokerPort { environment["HYPERTABLE_PORT"] = String(brokerPort) }
        if let timeoutMsecs { environment["HYPERTABLE_TIMEOUT_MSECS"] = String(timeoutMsecs) }
        if let poolSize { environment["HYPERTABLE_POOL_SIZE"] = String(poolSize) }
        if let maxOverflow { environment["HYPERTABLE_MAX_OVERFLOW"] = String(maxOverflow) }
        let configuration: GatewayConfiguration
        do {
            configuration = try GatewayConfiguration(environment: environment)
        } catch {
            throw ValidationError("configuration: \(error)")
        }
        try serve(configuration: configuration, embedded: embedded, embeddedThriftPort: embeddedThriftPort)
    }
}

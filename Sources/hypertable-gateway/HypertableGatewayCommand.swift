import ArgumentParser

@main
struct HypertableGatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hypertable-gateway",
        abstract: "An HTTP/1.1 + JSON gateway to Hypertable's ThriftBroker.",
        discussion: """
        Settings come from the environment (HYPERTABLE_HOST, HYPERTABLE_PORT, HYPERTABLE_TIMEOUT_MSECS,
        HYPERTABLE_POOL_SIZE, HYPERTABLE_MAX_OVERFLOW, HYPERTABLE_POOL_TIMEOUT_MSECS, GATEWAY_LISTEN,
        GATEWAY_WORKERS, GATEWAY_QUEUE_DEPTH, GATEWAY_MAX_BODY_BYTES, GATEWAY_GRACE_SECONDS,
        GATEWAY_TRUSTED_PROXIES, GATEWAY_ACCESS_LOG); a flag given on the command line wins.
        """,
        subcommands: [ServeCommand.self, EmulatorCommand.self, ConformanceCommand.self],
        defaultSubcommand: ServeCommand.self)
}

import Gateway
import GatewayTestKit
import HypertableClient

/// A gateway on port 0 whose every broker connection is one recording `FakeHypertableService`
/// that knows namespace `test` with table `t` (families `a`, `b`): for checking exactly what
/// reaches the broker, and for failures the embedded broker cannot make.
final class FakeBrokerGateway {
    let fake = FakeHypertableService(namespaces: ["/", "test"])
    let gateway: Gateway

    init(poolSize: Int = 2) throws {
        fake.serveCannedReadsAndWrites()
        fake.setTables(["t"])
        fake.setSchemaFamilies(["a", "b"])
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.poolSize = poolSize
        configuration.maxOverflow = 0
        configuration.accessLog = false
        configuration.gracePeriodSeconds = 1
        let fake = self.fake
        let connector = BrokerConnector(brokers: [.init(host: "fake", port: 1)], logger: .discarding) { _ in fake }
        gateway = try Gateway(configuration: configuration, connector: connector, logger: .discarding)
        try gateway.start()
    }

    deinit { gateway.shutdown() }

    func client() throws -> HTTPTestClient { try HTTPTestClient(port: gateway.port, timeout: 10) }
}

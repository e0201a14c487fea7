// swift-tools-version:6.0
import PackageDescription

// Layers point one way (ARCHITECTURE.md, "Targets and what each may import"):
//   Support (locks, deadlines) <- every layer
//   Sockets <- Thrift <- HypertableClient <- Gateway -> HTTPServer -> Sockets
//   HQL stands alone; Gateway uses it to classify statements
//   ThriftBrokerServer (the broker's side of the protocol) -> Thrift, HypertableClient (types)
//   HypertableEmulator -> ThriftBrokerServer, HypertableClient (types), HQL, Sockets
//   Gateway reaches the broker only through HypertableClient (its BrokerCallError included)
// Observability: swift-log's Logging and swift-metrics' CoreMetrics in HTTPServer,
// HypertableClient and Gateway (each layer logs and counts its own events through a Logger and a
// MetricsFactory it is given); swift-prometheus renders them (Gateway's /metrics); the executable
// alone bootstraps LoggingSystem and MetricsSystem.
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let coreMetrics: Target.Dependency = .product(name: "CoreMetrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "hypertable-gateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hypertable-gateway", targets: ["hypertable-gateway"]),
        // For the nested fuzzing package (Tests/Fuzz): a package can depend only on another
        // package's products, not on its targets.
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "Thrift", targets: ["Thrift"]),
        .library(name: "HypertableClient", targets: ["HypertableClient"]),
        .library(name: "ThriftBrokerServer", targets: ["ThriftBrokerServer"]),
        .library(name: "HQL", targets: ["HQL"]),
        .library(name: "Gateway", targets: ["Gateway"]),
        .library(name: "HypertableEmulator", targets: ["HypertableEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64", from: "1.2.0"),
        // Spans around broker calls for whoever bootstraps a tracer; no exporter is built here.
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", providers: [.apt(["libssl-dev"])]),

        .target(name: "Support", swiftSettings: strict),
        .target(name: "Sockets", dependencies: ["Support"], swiftSettings: strict),
        .target(name: "Thrift", dependencies: ["Sockets"], swiftSettings: strict),
        .target(name: "HypertableClient",
                dependencies: ["Support", "Thrift", "Sockets", .product(name: "DequeModule", package: "swift-collections"),
                               logging, coreMetrics],
                swiftSettings: strict),
        .target(name: "ThriftBrokerServer", dependencies: ["Thrift", "HypertableClient"], swiftSettings: strict),
        .target(name: "HQL", swiftSettings: strict),
        .target(name: "HTTPServer",
                dependencies: ["Support", "Sockets", "CZlib", "COpenSSL", .product(name: "DequeModule", package: "swift-collections"),
                               logging, coreMetrics],
                swiftSettings: strict),
        .target(name: "HypertableEmulator",
                dependencies: ["Support", "Thrift", "HypertableClient", "ThriftBrokerServer", "HQL", "Sockets"],
                swiftSettings: strict),
        .target(name: "Gateway",
                dependencies: ["Support", "HTTPServer", "HypertableClient", "HQL", "COpenSSL",
                               .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                               .product(name: "Tracing", package: "swift-distributed-tracing"),
                               logging, coreMetrics, prometheus],
                swiftSettings: strict),
        .executableTarget(name: "hypertable-gateway",
                          dependencies: ["Support", "Gateway", "HypertableEmulator",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         logging, .product(name: "Metrics", package: "swift-metrics"), prometheus],
                          swiftSettings: strict),
        .executableTarget(name: "emulator-benchmark", dependencies: ["HypertableEmulator", "HypertableClient"],
                          swiftSettings: strict),
        // Test kits: HTTP clients for any HTTP test (no gateway in them), and the gateway's
        // harness and fake broker on top.
        .target(name: "TestSupport", dependencies: ["Support", logging], swiftSettings: strict),
        .target(name: "HTTPTestKit", dependencies: ["Support", "TestSupport", "Sockets", "HTTPServer", "COpenSSL"], swiftSettings: strict),
        // A fake broker connection and factory, for the client's and the gateway's tests.
        .target(name: "BrokerTestKit", dependencies: ["Support", "TestSupport", "HypertableClient", logging, coreMetrics],
                swiftSettings: strict),
        .target(name: "GatewayTestKit",
                dependencies: ["HTTPTestKit", "BrokerTestKit", "Sockets", "HTTPServer", "Gateway", "HypertableClient",
                               "HypertableEmulator", .product(name: "Tracing", package: "swift-distributed-tracing"),
                               logging, prometheus],
                swiftSettings: strict),

        .testTarget(name: "SupportTests", dependencies: ["Support", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SocketsTests", dependencies: ["Sockets", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ThriftTests", dependencies: ["Thrift", "Sockets"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        // The client's tests run it against the broker's side of the protocol (and test that too).
        .testTarget(name: "HypertableClientTests",
                    dependencies: ["Support", "HypertableClient", "ThriftBrokerServer", "Thrift", "BrokerTestKit", "Sockets",
                                   "TestSupport", logging, prometheus],
                    swiftSettings: strict),
        .testTarget(name: "HQLTests", dependencies: ["HQL", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "HTTPServerTests",
                    dependencies: ["Support", "HTTPServer", "Sockets", "HTTPTestKit", logging, prometheus], swiftSettings: strict),
        .testTarget(name: "HypertableEmulatorTests",
                    dependencies: ["HypertableEmulator", "HypertableClient", "HQL", "Thrift", "GatewayTestKit"],
                    swiftSettings: strict),
        .testTarget(name: "GatewayTests",
                    dependencies: ["Support", "Gateway", "GatewayTestKit", "HypertableEmulator", "HypertableClient", "Sockets",
                                   .product(name: "Tracing", package: "swift-distributed-tracing"), logging, prometheus],
                    swiftSettings: strict),
        .testTarget(name: "InteropTests",
                    dependencies: ["Support", "Gateway", "GatewayTestKit", "HypertableEmulator", "HypertableClient", "Sockets",
                                   prometheus],
                    swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)

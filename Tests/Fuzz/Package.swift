// swift-tools-version:6.0
import PackageDescription

// Coverage-guided fuzz targets (libFuzzer), one executable per target, each exporting
// `LLVMFuzzerTestOneInput`. A separate package so the sanitizer flags never reach the
// gateway's own build. Build and run with ./run-fuzzers.sh (see README.md); the flags are:
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
//       -Xswiftc -enable-testing
// `-enable-testing` lets targets `@testable import` the gateway's internal decoders instead of
// widening their access levels.
let targetNames = [
    "FuzzHTTPRequestParser",
    "FuzzChunkedBody",
    "FuzzThrift",
    "FuzzHQL",
    "FuzzCellRecords",
    "FuzzPercentDecoding",
    "FuzzBoundedRegex",
    "FuzzSchemaJSON",
    "FuzzPageCursor",
]

func gateway(_ name: String) -> Target.Dependency {
    .product(name: name, package: "hypertable-gateway")
}

let dependenciesByTarget: [String: [Target.Dependency]] = [
    "FuzzHTTPRequestParser": [gateway("HTTPServer")],
    "FuzzChunkedBody": [gateway("HTTPServer")],
    "FuzzThrift": [gateway("Thrift"), gateway("HypertableClient"), gateway("ThriftBrokerServer")],
    "FuzzHQL": [gateway("HQL")],
    "FuzzCellRecords": [gateway("Gateway"), gateway("HypertableClient")],
    "FuzzPercentDecoding": [gateway("HTTPServer")],
    "FuzzBoundedRegex": [gateway("HypertableEmulator"), gateway("HypertableClient")],
    "FuzzSchemaJSON": [gateway("Gateway"), gateway("HypertableClient")],
    "FuzzPageCursor": [gateway("Gateway")],
]

let package = Package(
    name: "hypertable-gateway-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "hypertable-gateway", path: "../.."),
    ],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"]),
    ] + targetNames.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport"] + (dependenciesByTarget[name] ?? []))
    },
    swiftLanguageModes: [.v6]
)

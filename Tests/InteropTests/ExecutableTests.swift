import Foundation
import GatewayTestKit
import XCTest

/// The built `hypertable-gateway` as an operator runs it: `--embedded` serves, SIGTERM stops it
/// with exit status 0, bad settings stop it at once with a message naming the variable.
final class ExecutableTests: XCTestCase {
    func testEmbeddedGatewayServesAndExitsZeroOnSIGTERM() throws {
        let process = Process()
        process.executableURL = try InteropTests.gatewayExecutable()
        process.arguments = ["--embedded", "--listen", "127.0.0.1:0"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

        let (_, seen, port) = try InteropTests.readAddressLine(from: stderr.fileHandleForReading, key: "address",
                                                               process: process)
        XCTAssertTrue(seen.contains { $0.contains("EMBEDDED BROKER") && $0.contains("in memory") }, "\(seen)")
        let client = try HTTPTestClient(port: port, timeout: 10)
        XCTAssertEqual(try client.request("POST", "/ns/sys/query", body: #"CREATE NAMESPACE "/demo""#).status, 200)
        XCTAssertEqual(try client.request("POST", "/ns/demo/query", body: "SHOW TABLES").status, 200)
        XCTAssertEqual(try client.request("GET", "/health/ready").status, 200)

        process.terminate()
        eventually(15) { !process.isRunning }
        XCTAssertFalse(process.isRunning, "no exit within 15 s of SIGTERM")
        guard !process.isRunning else { return }
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
        let rest = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(rest.contains(#""msg":"request""#), "access log lines expected: \(rest)")
        XCTAssertTrue(rest.contains(#""msg":"stopped""#), rest)
    }

    func testBadSettingStopsWithAMessageNamingIt() throws {
        let (status, output) = try runToEnd(["--listen", "127.0.0.1:0"], environment: ["HYPERTABLE_POOL_SIZE": "lots"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("HYPERTABLE_POOL_SIZE"), output)
    }

    func testHelpNamesTheSettings() throws {
        let (status, output) = try runToEnd(["--help"], environment: [:])
        XCTAssertEqual(status, 0)
        for name in ["HYPERTABLE_HOST", "HYPERTABLE_POOL_SIZE", "--embedded", "--listen"] {
            XCTAssertTrue(output.contains(name), "\(name) missing from --help: \(output)")
        }
    }

    private func runToEnd(_ arguments: [String], environment: [String: String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = try InteropTests.gatewayExecutable()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GatewayTestKit
import HypertableClient
import Support
import XCTest

/// The built `hypertable-gateway` executable, run as a child process: what `--embedded` listens
/// on, what it logs, when the gateway refuses to start. Reads `/proc`, so Linux only (where the
/// suite runs). `ExecutableTests` covers start, SIGTERM and bad settings.
final class ServingTests: XCTestCase {
    // MARK: --embedded

    func testEmbeddedBrokerOpensNoSocketOfItsOwn() throws {
        let gateway = try GatewayProcess.start(["--embedded", "--listen", "127.0.0.1:0"])
        defer { gateway.stop() }
        let port = try gateway.waitForListening()
        XCTAssertFalse(gateway.stderr.contains("thrift"), gateway.stderr)
        XCTAssertTrue(gateway.stderr.contains("\"brokers\":\"in-process:0\""), gateway.stderr)

        // The in-process broker serves the gateway.
        let client = try HTTPTestClient(port: port)
        XCTAssertEqual(try client.request("POST", "/ns/sys/query", body: Array("CREATE NAMESPACE \"/e\"".utf8)).status, 200)
        XCTAssertEqual(try client.request("POST", "/ns/e/query", body: Array("CREATE TABLE t (cf)".utf8)).status, 200)
        XCTAssertEqual(try client.request("POST", "/ns/e/query",
                                          body: Array("INSERT INTO t VALUES ('r', 'cf', 'v')".utf8)).status, 200)
        let select = try client.request("POST", "/ns/e/query", body: Array("SELECT * FROM t".utf8))
        XCTAssertTrue(select.bodyText.contains("\"value\":\"v\""), select.bodyText)
        XCTAssertEqual(try client.request("GET", "/health/ready").status, 200)

        // And the only socket the process listens on is the gateway's.
        XCTAssertEqual(try listeningPorts(of: gateway.pid), [port])
        XCTAssertEqual(gateway.stop(), 0)
    }

    func testEmbeddedThriftPortIsOpenedOnlyWhenAskedAndSaysItIsUnauthenticated() throws {
        let gateway = try GatewayProcess.start(["--embedded", "--embedded-thrift-port", "0", "--listen", "127.0.0.1:0"])
        defer { gateway.stop() }
        let port = try gateway.waitForListening()
        let line = try XCTUnwrap(gateway.stderr.split(separator: "\n").first { $0.contains("thrift_address") })
        XCTAssertTrue(line.contains("UNAUTHENTICATED"), String(line))
        let thriftPort = try XCTUnwrap(Int(line.split(separator: ":").last?.filter(\.isNumber) ?? ""))
        XCTAssertEqual(try listeningPorts(of: gateway.pid), Set([port, thriftPort]))

        // Both reach the same broker.
        let client = try HTTPTestClient(port: port)
        XCTAssertEqual(try client.request("POST", "/ns/sys/query", body: Array("CREATE NAMESPACE \"/both\"".utf8)).status, 200)
        let thrift = try HypertableConnection.connect(host: "127.0.0.1", port: thriftPort, timeout: 5_000)
        defer { thrift.close() }
        XCTAssertTrue(try thrift.namespaceExists("/both"))
        XCTAssertEqual(gateway.stop(), 0)
    }

    func testEmbeddedThriftPortWithoutEmbeddedIsAUsageError() throws {
        let gateway = try GatewayProcess.start(["--embedded-thrift-port", "0", "--listen", "127.0.0.1:0"])
        XCTAssertEqual(gateway.waitForExit(), 64)
        XCTAssertTrue(gateway.stderr.contains("needs --embedded"), gateway.stderr)
    }

    func testHelpSaysTheThriftPortIsUnauthenticatedAndNamesTheInsecureSwitch() throws {
        let help = try GatewayProcess.start(["--help"])
        XCTAssertEqual(help.waitForExit(), 0)
        let text = help.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        XCTAssertTrue(text.contains("--embedded-thrift-port"), text)
        XCTAssertTrue(text.contains("This port is UNAUTHENTICATED"), text)
        XCTAssertTrue(text.contains("that port is unauthenticated"), text)
        XCTAssertTrue(text.contains("--insecure-no-auth"), text)
        XCTAssertTrue(text.contains("GATEWAY_INSECURE_NO_AUTH"), text)
    }

    // MARK: no tokens, reachable address

    func testWithoutTokensANonLoopbackAddressIsRefusedWithTheReasonAndTheWayOut() throws {
        for arguments in [["--listen", "0.0.0.0:0"], ["--listen", "[::]:0"]] {
            let gateway = try GatewayProcess.start(["--embedded"] + arguments)
            XCTAssertEqual(gateway.waitForExit(), 1, "\(arguments)")
            let error = gateway.stderr
            XCTAssertTrue(error.contains("refusing to listen on"), error)
            XCTAssertTrue(error.contains("without authentication"), error)
            XCTAssertTrue(error.contains("GATEWAY_TOKENS_FILE"), error)
            XCTAssertTrue(error.contains("GATEWAY_INSECURE_NO_AUTH=1"), error)
            XCTAssertTrue(error.contains("--insecure-no-auth"), error)
            XCTAssertFalse(error.contains("\"msg\":\"listening\""), error)
        }
    }

    func testANonLoopbackAddressStartsWithTokensOrWhenInsecureIsAskedFor() throws {
        let starts: [(arguments: [String], environment: [String: String], auth: String)] = [
            (["--insecure-no-auth"], [:], "off (insecure-no-auth)"),
            ([], ["GATEWAY_INSECURE_NO_AUTH": "1"], "off (insecure-no-auth)"),
            ([], ["GATEWAY_TOKENS": "exec-test-token-0123456789 rw"], "tokens:1"),
        ]
        for start in starts {
            let gateway = try GatewayProcess.start(["--embedded", "--listen", "0.0.0.0:0"] + start.arguments,
                                                   environment: start.environment)
            defer { gateway.stop() }
            let port = try gateway.waitForListening()
            XCTAssertTrue(gateway.stderr.contains("\"auth\":\"\(start.auth)\""), gateway.stderr)
            XCTAssertEqual(try HTTPTestClient(port: port).request("GET", "/health/live").status, 200)
            XCTAssertEqual(gateway.stop(), 0)
        }
    }

    func testLoopbackAddressesStartWithoutTokens() throws {
        for listen in ["127.0.0.1:0", "127.0.0.2:0", "localhost:0"] {
            let gateway = try GatewayProcess.start(["--embedded", "--listen", listen])
            defer { gateway.stop() }
            XCTAssertNoThrow(try gateway.waitForListening(), listen)
            XCTAssertTrue(gateway.stderr.contains("\"auth\":\"off\""), gateway.stderr)
            XCTAssertEqual(gateway.stop(), 0, listen)
        }
    }

    // MARK: signals

    /// A stop signal that arrives while the gateway is still starting (its first log line is
    /// out, it does not listen yet) stops it gracefully once it runs: the signal waits for the
    /// signal thread instead of being lost (it once was, about one start in a hundred, and the
    /// process then never stopped). Several starts, SIGTERM and SIGINT.
    func testAStopSignalDuringStartUpStopsTheGatewayGracefully() throws {
        for (round, signal) in [SIGTERM, SIGINT, SIGTERM, SIGINT, SIGTERM, SIGINT].enumerated() {
            let gateway = try GatewayProcess.start(["--embedded", "--listen", "127.0.0.1:0"])
            defer { gateway.stop() }
            XCTAssertTrue(eventually { gateway.stderr.contains("EMBEDDED BROKER") }, gateway.stderr)
            kill(gateway.pid, signal)
            XCTAssertEqual(gateway.waitForExit(), 0, "round \(round): \(gateway.stderr)")
            XCTAssertTrue(gateway.stderr.contains("\"msg\":\"stopped\""), gateway.stderr)
        }
    }

    /// A SIGHUP before the gateway can reload (still starting) neither stops it nor reloads.
    func testASIGHUPDuringStartUpIsHarmless() throws {
        let gateway = try GatewayProcess.start(["--embedded", "--listen", "127.0.0.1:0"])
        defer { gateway.stop() }
        XCTAssertTrue(eventually { gateway.stderr.contains("EMBEDDED BROKER") }, gateway.stderr)
        kill(gateway.pid, SIGHUP)
        let port = try gateway.waitForListening()
        XCTAssertEqual(try HTTPTestClient(port: port).request("GET", "/health/live").status, 200)
        XCTAssertEqual(gateway.stop(), 0)
    }

    // MARK: SIGHUP

    func testSIGHUPRereadsTheTokensFileAndKeepsTheOldOnesWhenItDoesNotParse() throws {
        let directory = NSTemporaryDirectory() + "sighup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tokens = directory + "/tokens"
        let first = "sighup-first-0123456789abcdef", second = "sighup-second-0123456789abcdef"
        try "\(first) rw\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        // Not loopback: a reload that would leave it without tokens must be refused too.
        let gateway = try GatewayProcess.start(["--embedded", "--listen", "0.0.0.0:0", "--tokens-file", tokens])
        defer { gateway.stop() }
        let port = try gateway.waitForListening()
        let client = try HTTPTestClient(port: port)
        func status(_ token: String) throws -> Int {
            try client.request("GET", "/ns", headers: [("Authorization", "Bearer \(token)")]).status
        }
        XCTAssertEqual(try status(first), 200)

        try "\(second) read\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        kill(gateway.pid, SIGHUP)
        XCTAssertTrue(eventually { gateway.stderr.contains("\"msg\":\"reloaded\"") }, gateway.stderr)
        // The keep-alive connection opened before the reload is still served, under the new tokens.
        XCTAssertEqual(try status(second), 200)
        XCTAssertEqual(try status(first), 401)

        for broken in ["\(first) superuser\n", "# no tokens left\n"] {
            try broken.write(toFile: tokens, atomically: true, encoding: .utf8)
            let refusals = gateway.stderr.components(separatedBy: "reload refused").count
            kill(gateway.pid, SIGHUP)
            XCTAssertTrue(eventually { gateway.stderr.components(separatedBy: "reload refused").count > refusals },
                          gateway.stderr)
            XCTAssertEqual(try status(second), 200, broken)
            XCTAssertEqual(try status(first), 401, broken)
        }
        XCTAssertTrue(gateway.stderr.contains("at line 1"), gateway.stderr)
        XCTAssertTrue(gateway.stderr.contains("without authentication"), gateway.stderr)
        XCTAssertFalse(gateway.stderr.contains(first) || gateway.stderr.contains(second), gateway.stderr)
        XCTAssertEqual(gateway.stop(), 0)
    }

    // MARK: /proc

    /// Local ports of the TCP sockets `pid` holds in LISTEN state.
    /// Out of descriptors the listener stays readable: the gateway must answer the overflow
    /// with 503 (a spare descriptor) and pause accepting rather than spin, and serve again once
    /// descriptors are free. Its limit is lowered while it runs (prlimit), so nothing else in
    /// this test process is starved.
    func testOutOfDescriptorsTheGatewayRefusesWith503AndRecovers() throws {
        let gateway = try GatewayProcess.start(["--embedded", "--listen", "127.0.0.1:0"])
        defer { gateway.stop() }
        let port = try gateway.waitForListening()
        let inUse = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(gateway.pid)/fd").count
        let limit = Process()
        limit.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        limit.arguments = ["--pid", String(gateway.pid), "--nofile=\(inUse + 8):\(inUse + 8)"]
        try limit.run()
        limit.waitUntilExit()
        XCTAssertEqual(limit.terminationStatus, 0, "prlimit (util-linux) lowers the gateway's descriptor limit")
        var clients: [HTTPTestClient] = []
        defer { for client in clients { client.close() } }
        var statuses: [Int] = []
        for _ in 0..<24 {
            let client = try HTTPTestClient(port: port)
            clients.append(client)
            statuses.append((try? client.request("GET", "/health/live").status) ?? 0)
        }
        XCTAssertTrue(statuses.contains(200), "\(statuses)")
        XCTAssertTrue(statuses.contains(503), "the overflow hears busy: \(statuses)")
        XCTAssertFalse(statuses.contains(0), "no client is left without an answer: \(statuses)")
        for client in clients { client.close() }
        clients.removeAll()
        XCTAssertTrue(eventually {
            guard let client = try? HTTPTestClient(port: port) else { return false }
            defer { client.close() }
            return (try? client.request("GET", "/health/live").status) == 200
        }, "served again once descriptors are free")
        XCTAssertEqual(gateway.stop(), 0, "and it shuts down cleanly")
    }

    private func listeningPorts(of pid: pid_t) throws -> Set<Int> {
        let fdDirectory = "/proc/\(pid)/fd"
        var inodes: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: fdDirectory) {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: fdDirectory + "/" + name),
                  target.hasPrefix("socket:[") else { continue }
            inodes.insert(String(target.dropFirst("socket:[".count).dropLast()))
        }
        var ports: Set<Int> = []
        for table in ["/proc/\(pid)/net/tcp", "/proc/\(pid)/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])),
                      let portHex = fields[1].split(separator: ":").last, let port = Int(portHex, radix: 16)
                else { continue }
                ports.insert(port)
            }
        }
        return ports
    }
}

/// The executable as a child process with its stdout and stderr collected as they come.
private final class GatewayProcess: @unchecked Sendable {
    enum Failure: Error, CustomStringConvertible {
        case notListening(String)

        var description: String {
            switch self {
            case .notListening(let log): return "no listening line within the deadline; stderr:\n\(log)"
            }
        }
    }

    private let process = Process()
    private struct Output {
        var stdout = Data()
        var stderr = Data()
        /// Pipes that reached end of file.
        var closedPipes = 0
    }

    private let output = Locked(Output())

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> GatewayProcess {
        let child = GatewayProcess()
        child.process.executableURL = try InteropTests.gatewayExecutable()
        child.process.arguments = arguments
        // A clean environment: settings of the machine running the tests must not leak in.
        child.process.environment = ["PATH": "/usr/bin:/bin", "GATEWAY_ACCESS_LOG": "off"]
            .merging(environment) { _, new in new }
        let stdout = Pipe(), stderr = Pipe()
        child.process.standardOutput = stdout
        child.process.standardError = stderr
        let output = child.output
        for (pipe, isStdout) in [(stdout, true), (stderr, false)] {
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil }
                output.withLock { output in
                    if data.isEmpty {
                        output.closedPipes += 1
                    } else if isStdout {
                        output.stdout.append(data)
                    } else {
                        output.stderr.append(data)
                    }
                }
            }
        }
        try child.process.run()
        return child
    }

    var pid: pid_t { process.processIdentifier }
    var stdout: String { String(decoding: output.withLock { $0.stdout }, as: UTF8.self) }
    var stderr: String { String(decoding: output.withLock { $0.stderr }, as: UTF8.self) }

    /// The HTTP port from the start-up log's `listening` line.
    func waitForListening(seconds: Double = 20) throws -> Int {
        var port: Int?
        eventually(seconds) {
            if let line = stderr.split(separator: "\n").first(where: { $0.contains("\"msg\":\"listening\"") }),
               let address = line.split(separator: ",").first(where: { $0.hasPrefix("\"address\":") }) {
                port = Int(address.split(separator: ":").last?.filter(\.isNumber) ?? "")
            }
            return port != nil || !process.isRunning
        }
        guard let port else { throw Failure.notListening(stderr) }
        return port
    }

    /// The exit status, or -1 when it did not exit within `seconds`.
    @discardableResult
    func waitForExit(seconds: Double = 20) -> Int32 {
        guard eventually(seconds, { !process.isRunning }) else { return -1 }
        // Everything the process wrote is read once both pipes reach end of file.
        eventually(seconds) { output.withLock { $0.closedPipes } >= 2 }
        return process.terminationStatus
    }

    /// SIGTERM, then the exit status (0 after a graceful shutdown). Idempotent.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let status = waitForExit()
        if status == -1 {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return status
    }
}

import Foundation
import Gateway
import GatewayTestKit
import HypertableEmulator
import Support
import XCTest

/// Interop with code no one on this project wrote:
/// (a) Hypertable's own Python client drives the embedded broker: a quick check, and the
///     breadth check of every served method (python_thrift_api_check.py);
/// (b) the same breadth check against the standalone `hypertable-gateway emulator` process;
/// (c) the gateway talks to a ThriftBroker built from Hypertable's generated Python
///     `HqlService.Processor` on Apache Thrift's TThreadedServer.
/// Needs the Python environment from `Tests/Interop/setup-venv.sh` (`.ci/run` builds it).
final class InteropTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let interopDirectory = repository.appendingPathComponent("Tests/Interop")

    /// The venv's python, or a failure telling how to make it (never a silent skip).
    func python() throws -> String { try Self.venvPython() }

    /// The venv's python (for any test target that needs a Python tool), or a failure telling
    /// how to make it.
    static func venvPython() throws -> String {
        let venv = ProcessInfo.processInfo.environment["INTEROP_VENV"]
            ?? repository.appendingPathComponent(".build-interop/venv").path
        let python = venv + "/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python),
              FileManager.default.fileExists(atPath: venv + "/.interop-ready") else {
            throw InteropSetupError("the interop Python environment is missing: run Tests/Interop/setup-venv.sh (or .ci/run)")
        }
        return python
    }

    func testHypertablesPythonClientAgainstTheEmbeddedBroker() throws {
        let python = try python()
        let broker = EmulatedBroker()
        let emulator = EmulatorServer(broker: broker, port: 0)
        try emulator.start()
        defer { emulator.stop() }

        let (status, output) = try run(python, [Self.interopDirectory.appendingPathComponent("python_client_check.py").path,
                                                "127.0.0.1", String(emulator.port)], timeout: 60)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("all checks passed"), output)
        // The client closed its connection: its handler and every id in it are gone.
        eventually(5) { broker.openSessionCount == 0 }
        XCTAssertEqual(broker.openSessionCount, 0)
        XCTAssertEqual(broker.openScannerCount, 0)
    }

    /// Every served ThriftBroker method and alias, through Hypertable's own client, against
    /// the in-process emulator (Tests/Interop/python_thrift_api_check.py lists the checks).
    func testEveryThriftMethodThroughHypertablesPythonClient() throws {
        let python = try python()
        let broker = EmulatedBroker()
        let emulator = EmulatorServer(broker: broker, port: 0)
        try emulator.start()
        defer { emulator.stop() }

        let (status, output) = try run(python, [Self.interopDirectory.appendingPathComponent("python_thrift_api_check.py").path,
                                                "127.0.0.1", String(emulator.port)], timeout: 60)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checks passed"), output)
        eventually(5) { broker.openSessionCount == 0 }
        XCTAssertEqual(broker.openSessionCount, 0)
        XCTAssertEqual(broker.openScannerCount, 0)
        XCTAssertEqual(broker.openMutatorCount, 0)
    }

    /// `hypertable-gateway emulator --port 0` on its own, as any Thrift client would use it:
    /// the built executable logs its address, serves the whole API check, and exits 0 on SIGTERM.
    func testStandaloneEmulatorExecutableServesHypertablesPythonClient() throws {
        let python = try python()
        let executable = try Self.gatewayExecutable()
        let process = Process()
        process.executableURL = executable
        process.arguments = ["emulator", "--port", "0"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var terminated = false
        defer {
            if !terminated && process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        let (line, port) = try readThriftAddress(from: stderr.fileHandleForReading, process: process)
        XCTAssertTrue(line.contains("in memory"), line)
        let (status, output) = try run(python, [Self.interopDirectory.appendingPathComponent("python_thrift_api_check.py").path,
                                                "127.0.0.1", String(port)], timeout: 60)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checks passed"), output)

        process.terminate() // SIGTERM
        eventually(10) { !process.isRunning }
        XCTAssertFalse(process.isRunning, "the emulator did not exit within 10 s of SIGTERM")
        guard !process.isRunning else { return }
        terminated = true
        XCTAssertEqual(process.terminationReason, .exit, "the emulator was killed by signal \(process.terminationStatus)")
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testGatewayAgainstABrokerMadeFromHypertablesGeneratedCode() throws {
        let python = try python()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.interopDirectory.appendingPathComponent("python_broker.py").path, "0"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let port = try readPort(from: stdout.fileHandleForReading)

        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.brokers = [.init(host: "127.0.0.1", port: port)]
        configuration.accessLog = false
        configuration.gracePeriodSeconds = 1
        let gateway = try Gateway(configuration: configuration, logger: .discarding)
        try gateway.start()
        defer { gateway.shutdown() }
        let client = try HTTPTestClient(port: gateway.port, timeout: 10)

        let health = try client.request("GET", "/health")
        XCTAssertEqual(health.status, 200, health.bodyText)

        let select = try client.request("POST", "/ns/demo/query", body: "SELECT * FROM t")
        XCTAssertEqual(select.status, 200, select.bodyText)
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(select.body)) as? [String: Any])
        let cells = try XCTUnwrap(body["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.count, 2)
        XCTAssertEqual(cells[0]["row"] as? String, "row1")
        XCTAssertEqual(cells[0]["column_family"] as? String, "cf")
        XCTAssertEqual(cells[0]["column_qualifier"] as? String, "q")
        XCTAssertEqual(cells[0]["timestamp"] as? String, "1700000000000000001")
        XCTAssertEqual(cells[0]["value"] as? String, "value1")
        XCTAssertEqual(cells[1]["value"] as? String, "value2")

        let tables = try client.request("POST", "/ns/demo/query", body: "SHOW TABLES")
        XCTAssertEqual(tables.status, 200)
        XCTAssertTrue(tables.bodyText.contains(#""results":["t"]"#), tables.bodyText)

        let missingNamespace = try client.request("POST", "/ns/elsewhere/query", body: "SHOW TABLES")
        XCTAssertEqual(missingNamespace.status, 404)
        XCTAssertTrue(missingNamespace.bodyText.contains(#""hypertable_code":40"#), missingNamespace.bodyText)

        let badHQL = try client.request("POST", "/ns/demo/query", body: "FROB")
        XCTAssertEqual(badHQL.status, 400)
        XCTAssertTrue(badHQL.bodyText.contains(#""hypertable_error":"HQL_PARSE_ERROR""#), badHQL.bodyText)
    }

    /// The calls the resource routes make (scanner_open with row intervals, get_cells,
    /// set_cells, table_get_schema, table_alter, table_get_splits, create_cell_unique), encoded
    /// by us and decoded by Hypertable's generated processor, and back.
    func testResourceRoutesAgainstABrokerMadeFromHypertablesGeneratedCode() throws {
        let python = try python()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.interopDirectory.appendingPathComponent("python_broker.py").path, "0"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let port = try readPort(from: stdout.fileHandleForReading)
        var configuration = GatewayConfiguration()
        configuration.listenPort = 0
        configuration.brokers = [.init(host: "127.0.0.1", port: port)]
        configuration.accessLog = false
        configuration.gracePeriodSeconds = 1
        let gateway = try Gateway(configuration: configuration, logger: .discarding)
        try gateway.start()
        defer { gateway.shutdown() }
        let client = try HTTPTestClient(port: gateway.port, timeout: 10)
        func send(_ method: String, _ path: String, _ json: String? = nil) throws -> (Int, Any?) {
            let response = try client.request(method, path, headers: json == nil ? [] : [("Content-Type", "application/json")],
                                              body: Array((json ?? "").utf8))
            return (response.status, try? JSONSerialization.jsonObject(with: Data(response.body)))
        }

        var (status, body) = try send("POST", "/ns/demo/tables/t/rows:get", #"{"rows": ["row2", "nope", "row1"]}"#)
        XCTAssertEqual(status, 200)
        let cells = try XCTUnwrap((body as? [String: Any])?["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.map { $0["value"] as? String }, ["value1", "value2"], "one interval per key, sorted")

        (status, body) = try send("GET", "/ns/demo/tables/t/splits")
        XCTAssertEqual(status, 200)
        let splits = try XCTUnwrap((body as? [String: Any])?["splits"] as? [[String: Any]])
        XCTAssertEqual(splits.map { $0["location"] as? String }, ["rs1", "rs2"])
        XCTAssertEqual(splits.first?["end_row"] as? String, "m")
        XCTAssertTrue(splits.last?["end_row"] is NSNull)

        (status, body) = try send("GET", "/ns/demo/tables/t/cells/row1?column=cf:q&timestamp=1700000000000000001")
        XCTAssertEqual(status, 200)
        XCTAssertEqual((body as? [String: Any])?["value"] as? String, "value1")
        (status, _) = try send("DELETE", "/ns/demo/tables/t/cells/row1?column=cf:q&timestamp=1700000000000000001")
        XCTAssertEqual(status, 204)

        (status, body) = try send("POST", "/ns/demo/tables/t/cells/row1?column=cf:q", #"{"value": "late"}"#)
        XCTAssertEqual(status, 409)
        XCTAssertEqual((body as? [String: Any])?["hypertable_error"] as? String, "ALREADY_EXISTS")
        XCTAssertEqual((body as? [String: Any])?["existing_value"] as? String, "value1")
        (status, body) = try send("POST", "/ns/demo/tables/t/cells/fresh?column=cf", #"{"value": "mine"}"#)
        XCTAssertEqual(status, 201)
        XCTAssertEqual((body as? [String: Any])?["value"] as? String, "mine")

        (status, body) = try send("PATCH", "/ns/demo/tables/t", """
            {"rename_column_families": {"cf": "renamed"}, "drop_column_families": ["old"],
             "add_column_families": {"added": {"max_versions": 2}}}
            """)
        XCTAssertEqual(status, 200)
        let families = try XCTUnwrap((body as? [String: Any])?["column_families"] as? [String: [String: Any]])
        XCTAssertEqual(Set(families.keys), ["renamed", "added"])
        XCTAssertEqual(families["renamed"]?["id"] as? Int, 1, "the rename kept the id")
        XCTAssertEqual(families["renamed"]?["max_versions"] as? Int, 3)
        XCTAssertEqual(families["added"]?["max_versions"] as? Int, 2)
        (status, _) = try send("PATCH", "/ns/demo/tables/t", #"{"drop_column_families": ["cf"]}"#)
        XCTAssertEqual(status, 404, "the broker kept the altered schema")
    }

    // MARK: /metrics through a real Prometheus text parser

    /// prometheus_client's parser (Tests/Interop/prometheus_text_check.py) reads `/metrics`
    /// after traffic that fills every family: today's names, types and HELP texts, every
    /// layer's (the pool's and the HTTP server's), counts that match the traffic.
    func testMetricsParseWithPrometheusClientParser() throws {
        let python = try python()
        let policy = try AccessPolicy(tokens: [("metrics-test-token-0123456789", .readWrite)])
        let harness = try GatewayHarness(configure: { $0.accessPolicy = policy })
        defer { harness.stop() }
        let client = try harness.client()
        let token = [("Authorization", "Bearer metrics-test-token-0123456789")]
        XCTAssertEqual(try client.request("POST", "/ns/sys/query", headers: token, body: "SHOW TABLES").status, 200)
        XCTAssertEqual(try client.request("POST", "/ns/sys/query", headers: token, body: "SELECT * FROM missing").status, 404)
        XCTAssertEqual(try client.request("GET", "/ns", headers: [("Authorization", "Bearer wrong")]).status, 401)
        let metrics = try client.request("GET", "/metrics", headers: token)
        XCTAssertEqual(metrics.status, 200)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt")
        try Data(metrics.body).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let (status, output) = try run(python, [Self.interopDirectory.appendingPathComponent("prometheus_text_check.py").path,
                                                file.path], timeout: 60)
        XCTAssertEqual(status, 0, "the parser refused /metrics: \(output)\n\(metrics.bodyText)")
        let families = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Any]],
                                     output)
        // The parser names a counter's family without `_total`.
        let expected: [(family: String, type: String, help: String)] = [
            ("gateway_requests", "counter", "HTTP requests answered, by route, method and status."),
            ("gateway_request_duration_seconds", "histogram", "Time from a parsed request to its last byte written."),
            ("gateway_response_bytes", "counter", "Response bytes written."),
            ("gateway_broker_errors", "counter", "Errors from the broker, by Hypertable error name."),
            ("gateway_auth_denied", "counter", "Requests refused by the bearer-token guard, by status."),
            ("gateway_open_scanners", "gauge", "Broker scanners held open by responses being streamed."),
            ("gateway_pool_connections", "gauge", "Broker connections by state (in_use, idle, overflow in use)."),
            ("gateway_pool_waiting", "gauge", "Requests waiting for a broker connection."),
            ("gateway_pool_events", "gauge",
             "Pool events since start (created, closed, discarded, wait timeouts, connect failures)."),
            ("gateway_http_connections_open", "gauge", "Open client connections."),
            ("gateway_http_connections", "counter",
             "Client connections, by outcome (accepted, refused at a limit, evicted idle to make room)."),
        ]
        for (name, type, help) in expected {
            let family = try XCTUnwrap(families[name], "no family \(name) in \(families.keys.sorted())")
            XCTAssertEqual(family["type"] as? String, type, name)
            XCTAssertEqual(family["help"] as? String, help, name)
        }
        func sample(_ name: String, _ labels: [String: String]) -> Double? {
            families.values.lazy.compactMap { $0["samples"] as? [[Any]] }.joined()
                .first { ($0[0] as? String) == name && ($0[1] as? [String: String]) == labels }
                .flatMap { $0[2] as? Double }
        }
        XCTAssertEqual(sample("gateway_requests_total", ["route": "/ns/{ns...}/query", "method": "POST", "status": "200"]), 1)
        XCTAssertEqual(sample("gateway_requests_total", ["route": "/ns/{ns...}/query", "method": "POST", "status": "404"]), 1)
        XCTAssertEqual(sample("gateway_broker_errors_total", ["error": "TABLE_NOT_FOUND"]), 1)
        XCTAssertEqual(sample("gateway_auth_denied_total", ["status": "401"]), 1)
        XCTAssertEqual(sample("gateway_request_duration_seconds_count", ["route": "/ns/{ns...}/query"]), 2)
        XCTAssertEqual(sample("gateway_request_duration_seconds_bucket", ["route": "/ns/{ns...}/query", "le": "+Inf"]), 2)
        XCTAssertNotNil(sample("gateway_request_duration_seconds_bucket", ["route": "/ns/{ns...}/query", "le": "0.0005"]))
        XCTAssertEqual(sample("gateway_pool_connections", ["state": "idle"]), 1)
        XCTAssertEqual(sample("gateway_pool_events", ["event": "created"]), 1)
        XCTAssertEqual(sample("gateway_http_connections_total", ["outcome": "accepted"]), 1)
        XCTAssertEqual(sample("gateway_http_connections_open", [:]), 1)
    }

    // MARK: helpers

    private func run(_ executable: String, _ arguments: [String], timeout: TimeInterval) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let collected = Locked<Data>(Data())
        let reader = Thread {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0 = data }
        }
        reader.start()
        if !eventually(timeout, { !process.isRunning }) {
            process.terminate()
            XCTFail("\(arguments.first ?? executable) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        eventually(5) { !collected.current.isEmpty }
        return (process.terminationStatus, String(decoding: collected.current, as: UTF8.self))
    }

    /// The built `hypertable-gateway`: `HYPERTABLE_GATEWAY_EXECUTABLE` if set, else next to the
    /// test bundle (the products directory: on Linux the .xctest is an executable there), else
    /// in `.build/debug` of this checkout. Not found is a failure, never a skip.
    static func gatewayExecutable() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["HYPERTABLE_GATEWAY_EXECUTABLE"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        var directories: [URL] = []
        if let main = Bundle.main.executableURL { directories.append(main.deletingLastPathComponent()) }
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let argument = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: argument).deletingLastPathComponent())
        }
        directories.append(repository.appendingPathComponent(".build/debug"))
        candidates += directories.map { $0.appendingPathComponent("hypertable-gateway") }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return found
        }
        throw InteropSetupError("""
            the hypertable-gateway executable was not found (run `swift build --build-tests` first); looked at: \
            \(candidates.map(\.path).joined(separator: ", "))
            """)
    }

    /// Reads stderr lines until the emulator's JSON line with "thrift_address"; returns the
    /// line and its port.
    private func readThriftAddress(from handle: FileHandle, process: Process) throws -> (String, Int) {
        let (line, _, port) = try Self.readAddressLine(from: handle, key: "thrift_address", process: process)
        return (line, port)
    }

    /// Reads JSON log lines from `handle` until one has `key` holding `host:port`; returns that
    /// line, every line read so far and the port. Fails on EOF or after 20 s.
    static func readAddressLine(from handle: FileHandle, key: String,
                                process: Process) throws -> (line: String, seen: [String], port: Int) {
        var buffer = Data()
        let deadline = Date().addingTimeInterval(20)
        var seen: [String] = []
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break } // EOF: the process exited
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                seen.append(line)
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let address = object[key] as? String else { continue }
                guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
                      port > 0 else {
                    throw InteropSetupError("bad \(key) in \(line)")
                }
                return (line, seen, port)
            }
        }
        throw InteropSetupError("no \(key) was printed (running: \(process.isRunning)); stderr: \(seen)")
    }

    /// Reads `PORT <n>` from the broker's first line of output.
    private func readPort(from handle: FileHandle) throws -> Int {
        var line = Data()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { break }
            if byte == Data([0x0A]) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            throw InteropSetupError("python broker did not start: \(text)")
        }
        return port
    }
}

/// The interop environment is not there: the test fails (it is never skipped).
struct InteropSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

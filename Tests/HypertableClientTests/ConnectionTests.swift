#if canImport(Glibc)
import ThriftBrokerServer
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Sockets
import Thrift
import XCTest
@testable import HypertableClient

/// `HypertableConnection` against `ThriftBrokerProcessor` over real loopback sockets, and
/// against scripted servers that misbehave on purpose.
final class ConnectionTests: XCTestCase {
    func testEveryServiceMethodRoundTripsThroughTheProcessor() throws {
        let service = RecordingBrokerService()
        let server = try LoopbackBrokerServer(service: service)
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
        defer { connection.close() }
        let cell = Cell(key: Key(row: [0xFF, 0x01], columnFamily: "cf", columnQualifier: [0x80],
                                 timestamp: Int64(1) << 60, revision: 3, flag: .insert), value: [0, 0xFE])
        var spec = ScanSpec()
        spec.rowIntervals = [RowInterval(startRow: [0xC3], startInclusive: false, endRow: nil)]
        spec.cellIntervals = [CellInterval(startRow: [1], startColumn: "a", endRow: [2], endColumn: "b:c", endInclusive: false)]
        spec.columnPredicates = [ColumnPredicate(columnFamily: "cf", operation: [.exactMatch, .qualifierPrefixMatch], value: "v")]
        spec.startTime = -1
        spec.endTime = Int64.max
        spec.rowRegexp = "^a"
        spec.keysOnly = true
        spec.cellLimitPerFamily = 4
        spec.rowOffset = 2
        spec.doNotCache = true

        try connection.namespaceCreate("a/b")
        XCTAssertEqual(try connection.namespaceOpen("a/b"), RecordingBrokerService.namespaceID)
        try connection.namespaceClose(7)
        XCTAssertEqual(try connection.namespaceExists("x"), true)
        try connection.namespaceDrop("x", ifExists: false)
        XCTAssertEqual(try connection.namespaceGetListing(7), RecordingBrokerService.listing)
        try connection.tableCreate(7, "t", schema: RecordingBrokerService.schema)
        try connection.tableAlter(7, "t", schema: Schema())
        XCTAssertEqual(try connection.tableExists(7, "t"), true)
        try connection.tableDrop(7, "t", ifExists: true)
        try connection.tableRename(7, "t", to: "u")
        XCTAssertEqual(try connection.getTables(7), ["t", "u"])
        XCTAssertEqual(try connection.getSchemaString(7, "t"), "<Schema/>")
        XCTAssertEqual(try connection.getSchema(7, "t"), RecordingBrokerService.schema)
        XCTAssertEqual(try connection.tableGetSplits(7, "t"), [RecordingBrokerService.split, TableSplit(startRow: [0xFF, 0x00])])
        XCTAssertEqual(try connection.hqlQuery(7, "SHOW TABLES"), HQLResult(results: ["t"]))
        XCTAssertEqual(try connection.hqlExec(7, "SELECT * FROM t", noFlush: true, unbuffered: true),
                       HQLResult(scanner: 11))
        XCTAssertEqual(try connection.getRow(7, "t", row: [0xFF]), [cell])
        XCTAssertEqual(try connection.getCell(7, "t", row: [0xFF], column: "cf:q"), [0xFF, 0x00])
        XCTAssertEqual(try connection.getCells(7, "t", scanSpec: spec), [cell])
        XCTAssertEqual(try connection.scannerOpen(7, "t", scanSpec: spec), 11)
        XCTAssertEqual(try connection.scannerNextCells(11), [cell])
        XCTAssertEqual(try connection.scannerNextRow(11), [])
        try connection.scannerClose(11)
        try connection.setCell(7, "t", cell: cell)
        try connection.setCells(7, "t", cells: [cell, cell])
        XCTAssertEqual(try connection.mutatorOpen(7, "t", flags: 2, flushInterval: 500), 12)
        try connection.mutatorSetCell(12, cell: cell)
        try connection.mutatorSetCells(12, cells: [])
        try connection.mutatorFlush(12)
        try connection.mutatorClose(12)
        let uniqueKey = Key(row: [0xFE], columnFamily: "u", columnQualifier: [0x00])
        XCTAssertEqual(try connection.createCellUnique(7, "t", key: uniqueKey, value: ""), "guid")
        XCTAssertEqual(try connection.status(), BrokerStatus(code: 0, text: "ok"))
        XCTAssertEqual(try connection.errorGetText(22), "TABLE_NOT_FOUND")
        XCTAssertFalse(connection.isBroken)

        let schema = RecordingBrokerService.schema
        let expected: [RecordedCall] = [
            .init("namespaceCreate", "a/b"), .init("namespaceOpen", "a/b"), .init("namespaceClose", Int64(7)),
            .init("namespaceExists", "x"), .init("namespaceDrop", "x", false), .init("namespaceGetListing", Int64(7)),
            .init("tableCreate", Int64(7), "t", schema), .init("tableAlter", Int64(7), "t", Schema()),
            .init("tableExists", Int64(7), "t"), .init("tableDrop", Int64(7), "t", true),
            .init("tableRename", Int64(7), "t", "u"), .init("getTables", Int64(7)),
            .init("getSchemaString", Int64(7), "t"), .init("getSchema", Int64(7), "t"),
            .init("tableGetSplits", Int64(7), "t"),
            .init("hqlQuery", Int64(7), "SHOW TABLES"), .init("hqlExec", Int64(7), "SELECT * FROM t", true, true),
            .init("getRow", Int64(7), "t", [UInt8(0xFF)]), .init("getCell", Int64(7), "t", [UInt8(0xFF)], "cf:q"),
            .init("getCells", Int64(7), "t", spec), .init("scannerOpen", Int64(7), "t", spec),
            .init("scannerNextCells", Int64(11)), .init("scannerNextRow", Int64(11)), .init("scannerClose", Int64(11)),
            .init("setCell", Int64(7), "t", cell), .init("setCells", Int64(7), "t", [cell, cell]),
            .init("mutatorOpen", Int64(7), "t", Int32(2), Int32(500)), .init("mutatorSetCell", Int64(12), cell),
            .init("mutatorSetCells", Int64(12), [Cell]()), .init("mutatorFlush", Int64(12)),
            .init("mutatorClose", Int64(12)), .init("createCellUnique", Int64(7), "t", uniqueKey, ""), .init("status"), .init("errorGetText", Int32(22)),
        ]
        XCTAssertEqual(service.calls.count, expected.count)
        for (call, expectation) in zip(service.calls, expected) {
            XCTAssertEqual(call, expectation)
        }
    }

    func testClientExceptionLeavesTheConnectionUsable() throws {
        let service = RecordingBrokerService()
        service.fail("namespaceOpen", with: ClientException(.namespaceDoesNotExist, "no such namespace: nope"))
        let server = try LoopbackBrokerServer(service: service)
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
        defer { connection.close() }

        XCTAssertThrowsError(try connection.namespaceOpen("nope")) { error in
            XCTAssertEqual(error as? ClientException, ClientException(code: 40, message: "no such namespace: nope"))
        }
        XCTAssertFalse(connection.isBroken)
        XCTAssertEqual(try connection.status(), BrokerStatus(code: 0, text: "ok"))
    }

    /// `next_cells` asked for ahead and read later gives the batch a plain call gives; a call
    /// made while a reply is pending reads and drops it first, so the stream stays in step.
    func testACallSentAheadIsReadLaterAndNeverPutsTheStreamOutOfStep() throws {
        let service = RecordingBrokerService()
        let server = try LoopbackBrokerServer(service: service)
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
        defer { connection.close() }

        try connection.scannerRequestNextCells(7)
        XCTAssertTrue(connection.hasPendingReply)
        XCTAssertEqual(try connection.scannerAwaitNextCells(7).cells, [RecordingBrokerService.cell])
        XCTAssertFalse(connection.hasPendingReply)

        // Sent and never read: the next call drops it and gets its own reply.
        try connection.scannerRequestNextCells(8)
        XCTAssertEqual(try connection.status(), BrokerStatus(code: 0, text: "ok"))
        XCTAssertFalse(connection.hasPendingReply)
        XCTAssertEqual(try connection.scannerNextCells(9), [RecordingBrokerService.cell])
        XCTAssertEqual(service.calls.filter { $0.method == "scannerNextCells" }.map(\.arguments),
                       [[7], [8], [9]].map { $0.map { AnyHashable(Int64($0)) } })

        // A broker error in the pending reply is an answer: dropped, the connection kept.
        service.fail("scannerNextCells", with: ClientException(.thriftBrokerBadScannerID, "gone"))
        try connection.scannerRequestNextCells(10)
        XCTAssertThrowsError(try connection.scannerAwaitNextCells(10)) { error in
            XCTAssertEqual((error as? ClientException)?.code, HypertableErrorCode.thriftBrokerBadScannerID.rawValue)
        }
        try connection.scannerRequestNextCells(11)
        XCTAssertEqual(try connection.status(), BrokerStatus(code: 0, text: "ok"))
        XCTAssertFalse(connection.isBroken)

        // Reading a reply nobody asked for is refused, not a read that would hang.
        XCTAssertThrowsError(try connection.scannerAwaitNextCells(12))

        // Writes sent ahead: the answer, and the broker's error, come with the await.
        try connection.mutatorRequestSetCells(3, cells: [RecordingBrokerService.cell])
        try connection.mutatorAwaitSetCells(3)
        service.fail("mutatorSetCells", with: ClientException(.badKey, "bad"))
        try connection.mutatorRequestSetCells(4, cells: [])
        XCTAssertThrowsError(try connection.mutatorAwaitSetCells(4)) { error in
            XCTAssertEqual((error as? ClientException)?.code, HypertableErrorCode.badKey.rawValue)
        }
        XCTAssertEqual(service.calls.filter { $0.method == "mutatorSetCells" }.count, 2)
        XCTAssertFalse(connection.isBroken)
    }

    func testUnknownMethodViaRawCallIsAnApplicationExceptionAndKeepsTheConnection() throws {
        let server = try LoopbackBrokerServer(service: RecordingBrokerService())
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
        defer { connection.close() }

        XCTAssertThrowsError(try connection.call("future_open", arguments: { writer in
            writer.writeField(1, Int32(0))
            writer.writeFieldStop()
        }, result: { _ in 0 })) { error in
            XCTAssertEqual(error as? BrokerCallError,
                           .applicationException(context: "future_open", kind: ThriftApplicationException.Kind.unknownMethod.rawValue,
                                                 message: "Unknown function future_open"))
        }
        XCTAssertFalse(connection.isBroken)
        XCTAssertEqual(try connection.namespaceOpen("ns"), RecordingBrokerService.namespaceID)
    }

    func testServiceFailureIsAnInternalErrorAndKeepsTheConnection() throws {
        struct Boom: Error {}
        let service = RecordingBrokerService()
        service.fail("status", with: Boom())
        let server = try LoopbackBrokerServer(service: service)
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
        defer { connection.close() }
        XCTAssertThrowsError(try connection.status()) { error in
            guard case .applicationException(_, ThriftApplicationException.Kind.internalError.rawValue, _)? = error as? BrokerCallError
            else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(connection.isBroken)
        XCTAssertEqual(try connection.getTables(1), ["t", "u"])
    }

    func testServerClosingMidReplyBreaksTheConnectionWithATypedError() throws {
        let reply = try goldenFixture("namespace_open_reply")
        let server = try ScriptedServer { transport in
            _ = try transport.readFrame(deadline: .after(seconds: 5))
            try transport.socket.writeAll(Array(reply.prefix(reply.count - 3)), deadline: .after(seconds: 5))
        }
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
        XCTAssertThrowsError(try connection.namespaceOpen("test/ns")) { error in
            guard case .connectionFailed(_, let reason)? = error as? BrokerCallError,
                  reason == SocketError.connectionClosed.description else { return XCTFail("\(error)") }
        }
        XCTAssertTrue(connection.isBroken)
        XCTAssertThrowsError(try connection.status()) { error in
            guard case .connectionUnusable? = error as? BrokerCallError else { return XCTFail("\(error)") }
        }
    }

    func testStalledServerGivesATypedTimeout() throws {
        let server = try ScriptedServer { transport in
            _ = try transport.readFrame(deadline: .after(seconds: 5))
            // Never answer; wait for the client to give up and close.
            _ = try? transport.readFrame(deadline: .after(seconds: 10))
        }
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 100)
        XCTAssertThrowsError(try connection.status()) { error in
            guard case .timedOut? = error as? BrokerCallError else { return XCTFail("\(error)") }
        }
        XCTAssertTrue(connection.isBroken)
    }

    func testReplyWithTheWrongSequenceIDOrNameBreaksTheConnection() throws {
        for (name, sequenceID) in [("status", Int32(5)), ("get_tables", Int32(0))] {
            let server = try ScriptedServer { transport in
                _ = try transport.readFrame(deadline: .after(seconds: 5))
                var writer = ThriftBinaryWriter(reservingFrameHeader: true)
                writer.writeMessageBegin(name: name, type: .reply, sequenceID: sequenceID)
                writer.writeField(0, BrokerStatus())
                writer.writeFieldStop()
                try transport.writeFrame(writer, deadline: .after(seconds: 5))
            }
            defer { server.stop() }
            let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
            XCTAssertThrowsError(try connection.status()) { error in
                guard case .malformedReply(_, let reason)? = error as? BrokerCallError,
                      reason.hasPrefix("unexpected reply") else { return XCTFail("\(error)") }
            }
            XCTAssertTrue(connection.isBroken)
        }
    }

    func testOversizedReplyIsRefusedAndBreaksTheConnection() throws {
        let server = try ScriptedServer { transport in
            _ = try transport.readFrame(deadline: .after(seconds: 5))
            try transport.socket.writeAll([0x00, 0x10, 0x00, 0x00], deadline: .after(seconds: 5))
        }
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000,
                                                          maxFrameSize: 4096)
        XCTAssertThrowsError(try connection.status()) { error in
            XCTAssertEqual(error as? BrokerCallError, .replyTooLarge(context: "status", length: 0x10_0000, limit: 4096))
        }
        XCTAssertTrue(connection.isBroken)
    }

    func testOversizedCallIsRefusedWithoutBreakingTheConnection() throws {
        let server = try LoopbackBrokerServer(service: RecordingBrokerService())
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000,
                                                          maxFrameSize: 1024)
        defer { connection.close() }
        let big = Cell(key: Key(row: [1]), value: [UInt8](repeating: 7, count: 2048))
        XCTAssertThrowsError(try connection.setCell(1, "t", cell: big)) { error in
            guard case .requestTooLarge? = error as? BrokerCallError else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(connection.isBroken)
        XCTAssertEqual(try connection.status().text, "ok")
    }

    func testConnectingToAClosedPortIsATransportError() throws {
        let listener = try Socket.listen(host: "127.0.0.1", port: 0)
        let port = try listener.localPort()
        listener.close()
        XCTAssertThrowsError(try HypertableConnection.connect(host: "127.0.0.1", port: port, timeout: 2000)) { error in
            guard case .connectionFailed? = error as? BrokerCallError else { return XCTFail("\(error)") }
        }
    }

    func testServeEndsQuietlyWhenThePeerClosesBetweenCallsButNotMidHeader() throws {
        let outcomes = Locked<[String]>([])
        let done = DispatchSemaphore(value: 0)
        let service = RecordingBrokerService()
        let server = try ScriptedServer { transport in
            do {
                try ThriftBrokerProcessor().serve(transport, service: service, idleTimeoutMilliseconds: 5000)
                outcomes.withLock { $0.append("returned") }
            } catch {
                outcomes.withLock { $0.append("threw \(error)") }
            }
            done.signal()
        }
        defer { server.stop() }

        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
        XCTAssertEqual(try connection.status().code, 0)
        connection.close()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)

        let raw = try Socket.connect(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 5))
        try raw.writeAll([0, 0], deadline: .after(seconds: 5))
        raw.close()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)

        let results = outcomes.current
        XCTAssertEqual(results.first, "returned")
        XCTAssertEqual(results.count, 2)
        XCTAssertTrue(results.last?.hasPrefix("threw") ?? false, "\(results)")
    }

    func testCloseMakesTheConnectionUnusable() throws {
        let server = try LoopbackBrokerServer(service: RecordingBrokerService())
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
        connection.close()
        connection.close()
        XCTAssertTrue(connection.isBroken)
        XCTAssertThrowsError(try connection.status()) { error in
            guard case .connectionUnusable? = error as? BrokerCallError else { return XCTFail("\(error)") }
        }
    }
}

// MARK: - test doubles

/// Loads one of the golden frames in Tests/ThriftTests/Fixtures (see generate_golden.py there).
func goldenFixture(_ name: String, file: StaticString = #filePath) throws -> [UInt8] {
    let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ThriftTests/Fixtures/\(name).bin")
    return Array(try Data(contentsOf: url))
}

/// A `HypertableService` that records each call and answers canned values, or fails on demand.
class RecordingBrokerService: HypertableService, @unchecked Sendable {
    static let namespaceID: Int64 = 0x0123_4567_89AB_CDEF
    static let listing = [NamespaceListing(name: "sub", isNamespace: true), NamespaceListing(name: "t", isNamespace: false)]
    static let schema = Schema(
        accessGroups: ["default": AccessGroupSpec(name: "default", generation: 1,
                                                  options: AccessGroupOptions(replication: 3, blockSize: 65536,
                                                                              compressor: "lz4", bloomFilter: "rows",
                                                                              inMemory: false),
                                                  defaults: ColumnFamilyOptions(maxVersions: 2))],
        columnFamilies: ["cf": ColumnFamilySpec(name: "cf", accessGroup: "default", generation: 1, id: 1,
                                                options: ColumnFamilyOptions(maxVersions: 1, ttl: 60,
                                                                             timeOrderDesc: true, counter: false)),
                         "cg": ColumnFamilySpec(name: "cg", deleted: true, valueIndex: true, qualifierIndex: true)],
        generation: 9, version: 1, groupCommitInterval: 100,
        accessGroupDefaults: AccessGroupOptions(blockSize: 1), columnFamilyDefaults: ColumnFamilyOptions(ttl: 5))
    static let cell = Cell(key: Key(row: [0xFF, 0x01], columnFamily: "cf", columnQualifier: [0x80],
                                    timestamp: Int64(1) << 60, revision: 3, flag: .insert), value: [0, 0xFE])

    private let state = Locked<(calls: [RecordedCall], failures: [String: any Error])>(([], [:]))

    var calls: [RecordedCall] { state.current.calls }

    func fail(_ method: String, with error: any Error) {
        state.withLock { $0.failures[method] = error }
    }

    private func record(_ method: String, _ arguments: AnyHashable...) throws {
        let failure = state.withLock { state -> (any Error)? in
            state.calls.append(RecordedCall(method, arguments))
            return state.failures[method]
        }
        if let failure { throw failure }
    }

    func namespaceCreate(_ name: String) throws { try record("namespaceCreate", name) }
    func namespaceOpen(_ name: String) throws -> Int64 { try record("namespaceOpen", name); return Self.namespaceID }
    func namespaceClose(_ namespace: Int64) throws { try record("namespaceClose", namespace) }
    func namespaceExists(_ name: String) throws -> Bool { try record("namespaceExists", name); return true }
    func namespaceDrop(_ name: String, ifExists: Bool) throws { try record("namespaceDrop", name, ifExists) }
    func namespaceGetListing(_ namespace: Int64) throws -> [NamespaceListing] {
        try record("namespaceGetListing", namespace); return Self.listing
    }
    func tableCreate(_ namespace: Int64, _ table: String, schema: Schema) throws {
        try record("tableCreate", namespace, table, schema)
    }
    func tableAlter(_ namespace: Int64, _ table: String, schema: Schema) throws {
        try record("tableAlter", namespace, table, schema)
    }
    func tableExists(_ namespace: Int64, _ table: String) throws -> Bool {
        try record("tableExists", namespace, table); return true
    }
    func tableDrop(_ namespace: Int64, _ table: String, ifExists: Bool) throws {
        try record("tableDrop", namespace, table, ifExists)
    }
    func tableRename(_ namespace: Int64, _ table: String, to newName: String) throws {
        try record("tableRename", namespace, table, newName)
    }
    func getTables(_ namespace: Int64) throws -> [String] { try record("getTables", namespace); return ["t", "u"] }
    func getSchemaString(_ namespace: Int64, _ table: String) throws -> String {
        try record("getSchemaString", namespace, table); return "<Schema/>"
    }
    func getSchema(_ namespace: Int64, _ table: String) throws -> Schema {
        try record("getSchema", namespace, table); return Self.schema
    }
    static let split = TableSplit(startRow: [], endRow: [0xFF, 0x00], location: "rs1", ipAddress: "10.0.0.1",
                                  hostname: "h1")
    func tableGetSplits(_ namespace: Int64, _ table: String) throws -> [TableSplit] {
        try record("tableGetSplits", namespace, table); return [Self.split, TableSplit(startRow: [0xFF, 0x00])]
    }
    func createCellUnique(_ namespace: Int64, _ table: String, key: Key, value: String) throws -> String {
        try record("createCellUnique", namespace, table, key, value); return value.isEmpty ? "guid" : value
    }
    func hqlQuery(_ namespace: Int64, _ command: String) throws -> HQLResult {
        try record("hqlQuery", namespace, command); return HQLResult(results: ["t"])
    }
    func hqlExec(_ namespace: Int64, _ command: String, noFlush: Bool, unbuffered: Bool) throws -> HQLResult {
        try record("hqlExec", namespace, command, noFlush, unbuffered); return HQLResult(scanner: 11)
    }
    func getRow(_ namespace: Int64, _ table: String, row: Bytes) throws -> [Cell] {
        try record("getRow", namespace, table, row); return [Self.cell]
    }
    func getCell(_ namespace: Int64, _ table: String, row: Bytes, column: String) throws -> Bytes {
        try record("getCell", namespace, table, row, column); return [0xFF, 0x00]
    }
    func getCells(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> [Cell] {
        try record("getCells", namespace, table, scanSpec); return [Self.cell]
    }
    func scannerOpen(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> Int64 {
        try record("scannerOpen", namespace, table, scanSpec); return 11
    }
    func scannerNextCells(_ scanner: Int64) throws -> [Cell] { try record("scannerNextCells", scanner); return [Self.cell] }
    func scannerNextRow(_ scanner: Int64) throws -> [Cell] { try record("scannerNextRow", scanner); return [] }
    func scannerClose(_ scanner: Int64) throws { try record("scannerClose", scanner) }
    func setCell(_ namespace: Int64, _ table: String, cell: Cell) throws { try record("setCell", namespace, table, cell) }
    func setCells(_ namespace: Int64, _ table: String, cells: [Cell]) throws {
        try record("setCells", namespace, table, cells)
    }
    func mutatorOpen(_ namespace: Int64, _ table: String, flags: Int32, flushInterval: Int32) throws -> Int64 {
        try record("mutatorOpen", namespace, table, flags, flushInterval); return 12
    }
    func mutatorSetCell(_ mutator: Int64, cell: Cell) throws { try record("mutatorSetCell", mutator, cell) }
    func mutatorSetCells(_ mutator: Int64, cells: [Cell]) throws { try record("mutatorSetCells", mutator, cells) }
    func mutatorFlush(_ mutator: Int64) throws { try record("mutatorFlush", mutator) }
    func mutatorClose(_ mutator: Int64) throws { try record("mutatorClose", mutator) }
    func status() throws -> BrokerStatus { try record("status"); return BrokerStatus(code: 0, text: "ok") }
    func errorGetText(_ code: Int32) throws -> String { try record("errorGetText", code); return "TABLE_NOT_FOUND" }
}

/// One call as the service saw it.
struct RecordedCall: Hashable, CustomStringConvertible {
    var method: String
    var arguments: [AnyHashable]

    init(_ method: String, _ arguments: AnyHashable...) { self.init(method, arguments) }
    init(_ method: String, _ arguments: [AnyHashable]) {
        self.method = method
        self.arguments = arguments
    }

    var description: String { "\(method)(\(arguments.map { "\($0)" }.joined(separator: ", ")))" }
}

/// Accepts connections on 127.0.0.1 (port 0) on a background thread; each connection runs
/// `handle` on its own thread with a framed transport, then is closed.
final class ScriptedServer: @unchecked Sendable {
    let port: Int
    private let listener: Socket
    private let stopped = Locked(false)

    init(handle: @escaping @Sendable (FramedTransport) throws -> Void) throws {
        listener = try Socket.listen(host: "127.0.0.1", port: 0)
        port = try listener.localPort()
        let listener = self.listener
        let stopped = self.stopped
        Thread {
            while !stopped.current {
                guard (try? listener.poll(events: Int16(POLLIN), deadline: .after(milliseconds: 50))) == true,
                      let accepted = try? listener.accept() else { continue }
                let socket = accepted.socket
                Thread {
                    let transport = FramedTransport(socket: socket)
                    try? handle(transport)
                    transport.close()
                }.start()
            }
        }.start()
    }

    func stop() {
        stopped.withLock { $0 = true }
    }

    deinit { stop() }
}

/// A ThriftBroker stand-in: `ThriftBrokerProcessor` over `service`, one thread per connection.
final class LoopbackBrokerServer: @unchecked Sendable {
    private let server: ScriptedServer
    var port: Int { server.port }

    init(service: RecordingBrokerService) throws {
        let processor = ThriftBrokerProcessor()
        server = try ScriptedServer { transport in
            try processor.serve(transport, service: service, idleTimeoutMilliseconds: 30_000)
        }
    }

    func stop() { server.stop() }
}

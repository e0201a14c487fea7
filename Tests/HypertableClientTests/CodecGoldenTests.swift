import ThriftBrokerServer
import Foundation
import Sockets
import Thrift
import XCTest
@testable import HypertableClient

/// Byte-for-byte agreement with the Thrift compiler's generated Python client and processor
/// (frames in Tests/ThriftTests/Fixtures, made by generate_golden.py).
final class CodecGoldenTests: XCTestCase {
    static let namespaceID: Int64 = 0x0123_4567_89AB_CDEF
    static let bigTimestamp: Int64 = 1_700_000_000_123_456_789

    static let cells = [
        Cell(key: Key(row: Array("row1".utf8), columnFamily: "cf", columnQualifier: Array("q".utf8),
                      timestamp: 1234, revision: 5678, flag: .insert),
             value: [0xFF, 0x00, 0xFE] + Array(" binary".utf8)),
        Cell(key: Key(row: Array("row2".utf8), columnFamily: "cf", columnQualifier: [],
                      timestamp: bigTimestamp, flag: .insert),
             value: Array("text".utf8)),
    ]

    static var scanSpec: ScanSpec {
        var spec = ScanSpec()
        spec.rowIntervals = [RowInterval(startRow: Array("a".utf8), startInclusive: true,
                                         endRow: Array("m".utf8), endInclusive: false)]
        spec.columns = ["cf", "cf2:q"]
        spec.versions = 2
        spec.cellLimit = 100
        return spec
    }

    /// Runs `call` on a fresh connection (so its sequence id is 0, as the Python client's)
    /// against a server that answers the golden `reply`; returns the call frame's body.
    private func exchange<T>(reply: String, _ call: (HypertableConnection) throws -> T) throws -> (sent: [UInt8], result: Result<T, any Error>, broken: Bool) {
        let replyFrame = try goldenFixture(reply)
        let captured = Locked<[UInt8]?>(nil)
        let server = try ScriptedServer { transport in
            let frame = try transport.readFrame(deadline: .after(seconds: 5))
            captured.withLock { $0 = frame }
            try transport.socket.writeAll(replyFrame, deadline: .after(seconds: 5))
            _ = try? transport.readFrame(deadline: .after(seconds: 5))
        }
        defer { server.stop() }
        let connection = try HypertableConnection.connect(host: "127.0.0.1", port: server.port, timeout: 5000)
        defer { connection.close() }
        let result = Result { try call(connection) }
        return (try XCTUnwrap(captured.current), result, connection.isBroken)
    }

    private func goldenBody(_ name: String) throws -> [UInt8] {
        let frame = try goldenFixture(name)
        return Array(frame.dropFirst(4))
    }

    // MARK: client side: our calls are Python's calls, Python's replies decode

    func testNamespaceOpenCallAndReply() throws {
        let (sent, result, broken) = try exchange(reply: "namespace_open_reply") { try $0.namespaceOpen("test/ns") }
        XCTAssertEqual(sent, try goldenBody("namespace_open_call"))
        XCTAssertEqual(try result.get(), Self.namespaceID)
        XCTAssertFalse(broken)
    }

    func testHQLQueryCallAndReplyWithBinaryValueAndTimestampAbove2To53() throws {
        let (sent, result, _) = try exchange(reply: "hql_query_reply") { try $0.hqlQuery(Self.namespaceID, "SELECT * FROM t") }
        XCTAssertEqual(sent, try goldenBody("hql_query_call"))
        let answer = try result.get()
        XCTAssertEqual(answer, HQLResult(cells: Self.cells))
        XCTAssertGreaterThan(answer.cells?[1].key.timestamp ?? 0, Int64(1) << 53)
    }

    func testClientExceptionReplyIsThrownAndLeavesTheConnectionHealthy() throws {
        let (sent, result, broken) = try exchange(reply: "client_exception_reply") {
            try $0.hqlQuery(Self.namespaceID, "SELECT * FROM missing")
        }
        XCTAssertEqual(sent, try goldenBody("hql_query_missing_call"))
        XCTAssertThrowsError(try result.get()) { error in
            let exception = error as? ClientException
            XCTAssertEqual(exception, ClientException(code: 0x0009_0003, message: "Invalid namespace id: 1"))
            XCTAssertEqual(exception?.name, "THRIFTBROKER_BAD_NAMESPACE_ID")
        }
        XCTAssertFalse(broken)
    }

    func testScannerOpenCallWithScanSpec() throws {
        let (sent, result, _) = try exchange(reply: "scanner_open_reply") {
            try $0.scannerOpen(Self.namespaceID, "t", scanSpec: Self.scanSpec)
        }
        XCTAssertEqual(sent, try goldenBody("scanner_open_call"))
        XCTAssertEqual(try result.get(), 42)
    }

    func testNextCellsCallAndReply() throws {
        let (sent, result, _) = try exchange(reply: "next_cells_reply") { try $0.scannerNextCells(42) }
        XCTAssertEqual(sent, try goldenBody("next_cells_call"))
        XCTAssertEqual(try result.get(), Self.cells)
    }

    func testApplicationExceptionReplyIsThrown() throws {
        // The golden reply answers sequence id 7; a connection's first call has id 0, so build
        // the same exception for id 0 and check it equals the golden one apart from that.
        var golden = try goldenBody("application_exception_reply")
        var reader = ThriftBinaryReader(golden)
        _ = try reader.readMessageBegin()
        let exception = try ThriftApplicationException.read(from: &reader)
        XCTAssertEqual(exception, ThriftApplicationException(.unknownMethod, "Unknown function no_such_method"))
        golden.replaceSubrange(22..<26, with: [0, 0, 0, 0])  // sequence id after "no_such_method"
        let rebuilt = exception.messageBytes(name: "no_such_method", sequenceID: 0).bytes
        XCTAssertEqual(rebuilt, golden)
    }

    // MARK: server side: our processor answers Python's calls with Python's replies

    private final class GoldenHandler: RecordingBrokerService, @unchecked Sendable {
        override func namespaceOpen(_ name: String) throws -> Int64 {
            XCTAssertEqual(name, "test/ns")
            return CodecGoldenTests.namespaceID
        }
        override func hqlQuery(_ namespace: Int64, _ command: String) throws -> HQLResult {
            XCTAssertEqual(namespace, CodecGoldenTests.namespaceID)
            if command == "SELECT * FROM missing" {
                throw ClientException(code: 0x0009_0003, message: "Invalid namespace id: 1")
            }
            XCTAssertEqual(command, "SELECT * FROM t")
            return HQLResult(cells: CodecGoldenTests.cells)
        }
        override func scannerOpen(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> Int64 {
            XCTAssertEqual(scanSpec, CodecGoldenTests.scanSpec)
            return 42
        }
        override func scannerNextCells(_ scanner: Int64) throws -> [Cell] {
            XCTAssertEqual(scanner, 42)
            return CodecGoldenTests.cells
        }
    }

    func testProcessorRepliesMatchPythonsProcessor() throws {
        let processor = ThriftBrokerProcessor()
        let service = GoldenHandler()
        let pairs = [
            ("namespace_open_call", "namespace_open_reply"),
            ("hql_query_call", "hql_query_reply"),
            ("hql_query_missing_call", "client_exception_reply"),
            ("scanner_open_call", "scanner_open_reply"),
            ("next_cells_call", "next_cells_reply"),
            ("unknown_method_call", "application_exception_reply"),
        ]
        for (call, reply) in pairs {
            let answer = processor.process(frame: try goldenBody(call), service: service)
            XCTAssertEqual(answer, try goldenBody(reply), "\(call) -> \(reply)")
        }
    }
}

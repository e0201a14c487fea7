import HypertableClient
@testable import HypertableEmulator
import XCTest

extension XCTestCase {
    func assertClientError(_ code: HypertableErrorCode, file: StaticString = #filePath, line: UInt = #line,
                           _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected \(code.name)", file: file, line: line)
        } catch let e as ClientException {
            XCTAssertEqual(e.code, code.rawValue, "got \(e)", file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }
}

/// A broker, a session and a namespace `/test` opened in it.
struct Fixture {
    let broker: EmulatedBroker
    let session: EmulatorSession
    let ns: Int64

    init(broker: EmulatedBroker = EmulatedBroker()) throws {
        self.broker = broker
        session = broker.makeSession()
        try session.namespaceCreate("/test")
        ns = try session.namespaceOpen("test")
    }

    @discardableResult
    func hql(_ command: String) throws -> HQLResult {
        try session.hqlQuery(ns, command)
    }

    /// `row family[:qualifier] value` lines, like the golden file without timestamps.
    func lines(_ command: String) throws -> [String] {
        try hql(command).cells?.map(Self.line) ?? []
    }

    static func line(_ c: Cell) -> String {
        let column = c.key.columnQualifier.isEmpty ? c.key.columnFamily
            : c.key.columnFamily + ":" + String(decoding: c.key.columnQualifier, as: UTF8.self)
        return "\(String(decoding: c.key.row, as: UTF8.self))\t\(column)\t\(String(decoding: c.value ?? [], as: UTF8.self))"
    }
}

func cell(_ row: String, _ family: String, _ qualifier: String = "", _ value: String, timestamp: Int64? = nil,
          flag: KeyFlag = .insert) -> Cell {
    Cell(key: Key(row: Array(row.utf8), columnFamily: family, columnQualifier: Array(qualifier.utf8),
                  timestamp: timestamp, flag: flag), value: Array(value.utf8))
}

// Fuzzes the Thrift side: FrameDecoder over a byte stream, ThriftBinaryReader through every
// broker type's decoder (bare and as a method result struct), ThriftBrokerProcessor's
// envelope and argument decoding for each call the embedded broker serves (extended calls
// included), and the `CellsSerialized` and cell-as-array formats. Invariants:
// - the frame decoder yields the same frames, error and buffered count whatever the pieces;
// - a value a typed decoder accepts is one `skip` accepts too, ending at the same offset, and
//   it writes back to bytes that decode to the same value;
// - the processor answers every two-way call with a well-formed reply or exception message
//   that carries the call's name and sequence id, and only a oneway call with nothing;
// - serialized cells and cells as arrays survive a read/write/read round trip;
// - cells read in place (`HQLSpanResult`) are the cells `HQLResult` reads, or fail alike.
import FuzzSupport
import HypertableClient
import ThriftBrokerServer
@testable import Thrift

// MARK: typed decoders

/// A method result as the broker sends it: `struct { 0: T success, 1: ClientException e }`.
struct Result<Success: ThriftCodable & Hashable>: ThriftStruct, Hashable {
    var success: Success?
    var exception: ClientException?

    static func read(from reader: inout ThriftBinaryReader) throws -> Result {
        var result = Result()
        try reader.readStruct { reader, field in
            switch field.id {
            case 0: result.success = try reader.read(Success.self, for: field, in: "result")
            case 1: result.exception = try reader.read(ClientException.self, for: field, in: "result")
            default: return false
            }
            return true
        }
        return result
    }

    func write(to writer: inout ThriftBinaryWriter) {
        writer.writeField(0, success)
        writer.writeField(1, exception)
        writer.writeFieldStop()
    }
}

/// Decodes `T` at the reader's position; on success checks skip and the write/read round trip.
func check<T: ThriftCodable & Hashable>(_: T.Type, _ start: ThriftBinaryReader) {
    var typed = start
    guard let value = try? T.read(from: &typed) else { return }
    var skipping = start
    do {
        try skipping.skip(T.thriftType)
    } catch {
        invariant(false, "\(T.self) decoded to offset \(typed.position) but skip failed: \(error)")
    }
    invariant(skipping.position == typed.position,
              "\(T.self) decoded to offset \(typed.position), skip to \(skipping.position)")
    var writer = ThriftBinaryWriter()
    value.write(to: &writer)
    var reread = ThriftBinaryReader(writer.bytes)
    do {
        let again = try T.read(from: &reread)
        invariant(again == value, "\(T.self) changed in a write/read round trip:\n\(value)\n\(again)")
        invariant(reread.isAtEnd, "\(T.self) left \(reread.remaining) bytes unread after its own encoding")
    } catch {
        invariant(false, "\(T.self) does not read back its own encoding: \(error)\n\(value)")
    }
}

func checkBoth<T: ThriftCodable & Hashable>(_ type: T.Type, _ start: ThriftBinaryReader) {
    check(type, start)
    check(Result<T>.self, start)
}

func checkTypedDecoders(_ start: ThriftBinaryReader) {
    checkBoth(HQLResult.self, start)
    checkBoth([Cell].self, start)
    checkBoth(Cell.self, start)
    checkBoth(Key.self, start)
    checkBoth(Schema.self, start)
    checkBoth(ScanSpec.self, start)
    checkBoth(CellInterval.self, start)
    checkBoth(RowInterval.self, start)
    checkBoth(ColumnPredicate.self, start)
    checkBoth(MutateSpec.self, start)
    checkBoth([NamespaceListing].self, start)
    checkBoth(BrokerStatus.self, start)
    checkBoth(ClientException.self, start)
    check(ThriftApplicationException.self, start)
    checkBoth([String].self, start)
    checkBoth(Int64.self, start)
    checkBoth(ThriftBinary.self, start)
    checkBoth([TableSplit].self, start)
    checkBoth(HQLResultAsArrays.self, start)
    checkBoth(FutureResult<[Cell]>.self, start)
    checkCellAsArray(start)
    checkCellSpans(start)
}

/// `HQLSpanResult` (cells read in place) agrees with `HQLResult` on every input: the same
/// values and end offset, or the same error.
func checkCellSpans(_ start: ThriftBinaryReader) {
    var whole = start
    var inPlace = start
    let expected = Swift.Result { try HQLResult.read(from: &whole) }
    let actual = Swift.Result { try HQLSpanResult.read(from: &inPlace) }
    switch (expected, actual) {
    case (.success(let result), .success(let spans)):
        let cells: [Cell]? = spans.cells?.cells
        let same = cells == result.cells && spans.results == result.results
        let sameHandles = spans.scanner == result.scanner && spans.mutator == result.mutator
        invariant(same && sameHandles, "HQLSpanResult read other values than HQLResult:\n\(result)\n\(spans)")
        invariant(inPlace.position == whole.position,
                  "HQLSpanResult ended at \(inPlace.position), HQLResult at \(whole.position)")
    case (.failure(let error), .failure(let spanError)):
        invariant("\(error)" == "\(spanError)", "the decoders fail differently: \(error) vs \(spanError)")
    default:
        invariant(false, "one decoder accepts what the other refuses: \(expected) vs \(actual)")
    }
}

/// `list<binary>` cells (`CellAsArray`, the `*_as_arrays` methods). `decode` reads argument
/// cells and `encode` writes reply cells, as ThriftBroker does, and the two are not inverses:
/// a reply has no revision or flag, writes an absent value as "" and an absent timestamp as
/// AUTO_ASSIGN printed unsigned (which strtoll then saturates). So only a reply's row, family,
/// qualifier, value and a non-negative timestamp must survive being read back as an argument.
func checkCellAsArray(_ start: ThriftBinaryReader) {
    var reader = start
    guard let array = try? [ThriftBinary].read(from: &reader),
          let cell = try? CellAsArray.decode(array.map(\.bytes)) else { return }
    guard let timestamp = cell.key.timestamp, timestamp >= 0 else { return }
    do {
        let again = try CellAsArray.decode(CellAsArray.encode(cell))
        invariant(again.key.row == cell.key.row && again.key.columnFamily == cell.key.columnFamily
                  && again.key.columnQualifier == cell.key.columnQualifier
                  && (again.value ?? []) == (cell.value ?? []) && again.key.timestamp == timestamp,
                  "CellAsArray reply read back as an argument changed the cell:\n\(cell)\n\(again)")
    } catch {
        invariant(false, "CellAsArray does not read its own encoding of \(cell): \(error)")
    }
}

/// A `CellsSerialized` buffer (`set_cells_serialized`): read to its end byte, written again with
/// the same end flags, it reads back as the same cells, revisions aside (the writer, like the
/// C++ one, never writes a revision).
func checkSerializedCells(_ bytes: [UInt8]) {
    guard var reader = try? SerializedCellsReader(bytes) else { return }
    var cells: [Cell] = []
    do {
        while let cell = try reader.next() {
            cells.append(cell)
            if cells.count > 10_000 { return }
        }
    } catch {
        return
    }
    let flags = reader.endFlags ?? []
    let written: [UInt8]
    do {
        written = try SerializedCellsWriter.serialize(cells, flags: flags)
    } catch {
        // The writer refuses what the broker could not store (e.g. a row with a NUL byte).
        return
    }
    do {
        var again = try SerializedCellsReader(written)
        var reread: [Cell] = []
        while let cell = try again.next() { reread.append(cell) }
        func withoutRevision(_ cells: [Cell]) -> [Cell] {
            cells.map { var cell = $0; cell.key.revision = nil; return cell }
        }
        invariant(withoutRevision(reread) == withoutRevision(cells) && again.endFlags == reader.endFlags,
                  "serialized cells changed in a read/write/read round trip:\n\(cells)\n\(reread)")
    } catch {
        invariant(false, "SerializedCellsReader refuses the writer's bytes for \(cells): \(error)")
    }
}

// MARK: processor

/// Answers every call with a fixed value, so the processor's argument decoding and reply
/// encoding run for every method; odd ids make it throw a ClientException instead.
final class StubService: HypertableService, Sendable {
    func fail(_ id: Int64) throws { if id & 1 == 1 { throw ClientException(code: 42, message: "stub") } }
    func namespaceCreate(_ name: String) throws {}
    func namespaceOpen(_ name: String) throws -> Int64 { 2 }
    func namespaceClose(_ namespace: Int64) throws { try fail(namespace) }
    func namespaceExists(_ name: String) throws -> Bool { true }
    func namespaceDrop(_ name: String, ifExists: Bool) throws {}
    func namespaceGetListing(_ namespace: Int64) throws -> [NamespaceListing] {
        try fail(namespace)
        return [NamespaceListing(name: "t", isNamespace: false)]
    }
    func tableCreate(_ namespace: Int64, _ table: String, schema: Schema) throws { try fail(namespace) }
    func tableAlter(_ namespace: Int64, _ table: String, schema: Schema) throws { try fail(namespace) }
    func tableExists(_ namespace: Int64, _ table: String) throws -> Bool { try fail(namespace); return false }
    func tableDrop(_ namespace: Int64, _ table: String, ifExists: Bool) throws { try fail(namespace) }
    func tableRename(_ namespace: Int64, _ table: String, to newName: String) throws { try fail(namespace) }
    func getTables(_ namespace: Int64) throws -> [String] { try fail(namespace); return ["t"] }
    func getSchemaString(_ namespace: Int64, _ table: String) throws -> String { try fail(namespace); return "<Schema/>" }
    func getSchema(_ namespace: Int64, _ table: String) throws -> Schema {
        try fail(namespace)
        return Schema(columnFamilies: ["cf": ColumnFamilySpec(name: "cf")])
    }
    func hqlQuery(_ namespace: Int64, _ command: String) throws -> HQLResult {
        try fail(namespace)
        return HQLResult(results: [command], cells: [Cell(key: Key(row: [1], columnFamily: "cf"), value: [])])
    }
    func hqlExec(_ namespace: Int64, _ command: String, noFlush: Bool, unbuffered: Bool) throws -> HQLResult {
        try fail(namespace)
        return HQLResult(results: [], scanner: unbuffered ? 3 : nil)
    }
    func getRow(_ namespace: Int64, _ table: String, row: Bytes) throws -> [Cell] {
        try fail(namespace)
        return [Cell(key: Key(row: row, columnFamily: "cf"), value: row)]
    }
    func getCell(_ namespace: Int64, _ table: String, row: Bytes, column: String) throws -> Bytes {
        try fail(namespace)
        return row
    }
    func getCells(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> [Cell] { try fail(namespace); return [] }
    func scannerOpen(_ namespace: Int64, _ table: String, scanSpec: ScanSpec) throws -> Int64 { try fail(namespace); return 4 }
    func scannerNextCells(_ scanner: Int64) throws -> [Cell] { try fail(scanner); return [] }
    func scannerNextRow(_ scanner: Int64) throws -> [Cell] { try fail(scanner); return [] }
    func scannerClose(_ scanner: Int64) throws { try fail(scanner) }
    func setCell(_ namespace: Int64, _ table: String, cell: Cell) throws { try fail(namespace) }
    func setCells(_ namespace: Int64, _ table: String, cells: [Cell]) throws { try fail(namespace) }
    func mutatorOpen(_ namespace: Int64, _ table: String, flags: Int32, flushInterval: Int32) throws -> Int64 {
        try fail(namespace)
        return 6
    }
    func mutatorSetCell(_ mutator: Int64, cell: Cell) throws { try fail(mutator) }
    func mutatorSetCells(_ mutator: Int64, cells: [Cell]) throws { try fail(mutator) }
    func mutatorFlush(_ mutator: Int64) throws { try fail(mutator) }
    func mutatorClose(_ mutator: Int64) throws { try fail(mutator) }
    func status() throws -> BrokerStatus { BrokerStatus(code: 0, text: "ok") }
    func errorGetText(_ code: Int32) throws -> String { "error \(code)" }
}

/// The calls served only by a broker with the extended interface (futures, serialized cells,
/// splits...), answered the same way.
extension StubService: HypertableExtendedService {
    func refreshTable(_ namespace: Int64, _ table: String) throws { try fail(namespace) }
    func tableGetID(_ namespace: Int64, _ table: String) throws -> String { try fail(namespace); return "1" }
    func getSchemaStringWithIDs(_ namespace: Int64, _ table: String) throws -> String { try fail(namespace); return "<Schema/>" }
    func tableGetSplits(_ namespace: Int64, _ table: String) throws -> [TableSplit] {
        try fail(namespace)
        return [TableSplit(startRow: nil, endRow: [0xFF, 0xFF], location: "root")]
    }
    func scannerNextCellsSerialized(_ scanner: Int64) throws -> Bytes {
        try fail(scanner)
        return try SerializedCellsWriter.serialize([Cell(key: Key(row: [0x61], columnFamily: "cf"), value: [1])])
    }
    func scannerNextRowSerialized(_ scanner: Int64) throws -> Bytes { try scannerNextCellsSerialized(scanner) }
    func sharedMutatorRefresh(_ namespace: Int64, _ table: String, spec: MutateSpec) throws { try fail(namespace) }
    func sharedMutatorSetCells(_ namespace: Int64, _ table: String, spec: MutateSpec, cells: [Cell]) throws { try fail(namespace) }
    func futureOpen(capacity: Int32) throws -> Int64 { 8 }
    func futureCancel(_ future: Int64) throws { try fail(future) }
    func futureGetResult(_ future: Int64, timeoutMilliseconds: Int32) throws -> FutureResult<[Cell]> {
        try fail(future)
        return FutureResult(isEmpty: true)
    }
    func futureIsEmpty(_ future: Int64) throws -> Bool { try fail(future); return true }
    func futureIsFull(_ future: Int64) throws -> Bool { try fail(future); return false }
    func futureIsCancelled(_ future: Int64) throws -> Bool { try fail(future); return false }
    func futureHasOutstanding(_ future: Int64) throws -> Bool { try fail(future); return false }
    func futureClose(_ future: Int64) throws { try fail(future) }
    func asyncScannerOpen(_ namespace: Int64, _ table: String, future: Int64, scanSpec: ScanSpec) throws -> Int64 {
        try fail(namespace)
        return 10
    }
    func asyncScannerCancel(_ scanner: Int64) throws { try fail(scanner) }
    func asyncScannerClose(_ scanner: Int64) throws { try fail(scanner) }
    func asyncMutatorOpen(_ namespace: Int64, _ table: String, future: Int64, flags: Int32) throws -> Int64 {
        try fail(namespace)
        return 12
    }
    func asyncMutatorSetCells(_ mutator: Int64, cells: [Cell]) throws { try fail(mutator) }
    func asyncMutatorFlush(_ mutator: Int64) throws { try fail(mutator) }
    func asyncMutatorCancel(_ mutator: Int64) throws { try fail(mutator) }
    func asyncMutatorClose(_ mutator: Int64) throws { try fail(mutator) }
    func generateGUID() throws -> String { "00000000-0000-0000-0000-000000000000" }
    func createCellUnique(_ namespace: Int64, _ table: String, key: Key, value: String) throws -> String {
        try fail(namespace)
        return value
    }
    func shutdown() throws {}
}

let processors = [ThriftBrokerProcessor(), ThriftBrokerProcessor(writesCellsLikeThriftBroker: true)]

func checkProcessor(_ frame: [UInt8]) {
    var callReader = ThriftBinaryReader(frame)
    let call = try? callReader.readMessageBegin()
    let service = StubService()
    for processor in processors {
        guard let reply = processor.process(frame: frame, service: service) else {
            invariant(call?.type == .oneway, "no reply to \(String(describing: call))")
            continue
        }
        var reader = ThriftBinaryReader(reply)
        let header: ThriftMessageHeader
        do {
            header = try reader.readMessageBegin()
            try reader.skip(.struct)
        } catch {
            invariant(false, "malformed reply \(reply) to \(String(describing: call)): \(error)")
            return
        }
        invariant(reader.isAtEnd, "reply has \(reader.remaining) bytes after its struct")
        invariant(header.type == .reply || header.type == .exception, "reply of type \(header.type)")
        if let call {
            invariant(header.sequenceID == call.sequenceID && header.name == call.name,
                      "reply \(header) to call \(call)")
        }
        if header.type == .exception {
            var exceptionReader = ThriftBinaryReader(reply)
            _ = try? exceptionReader.readMessageBegin()
            invariant((try? ThriftApplicationException.read(from: &exceptionReader)) != nil,
                      "exception reply does not decode")
        }
    }
}

// MARK: frames

struct FrameOutcome: Equatable {
    var frames: [[UInt8]] = []
    var error: String?
    var bufferedCount = 0
}

func decodeFrames(_ pieces: [ArraySlice<UInt8>]) -> FrameOutcome {
    var decoder = FrameDecoder(maxFrameSize: 1 << 12)
    var outcome = FrameOutcome()
    do {
        for piece in pieces {
            decoder.append(piece)
            while let frame = try decoder.nextFrame() {
                invariant(frame.count <= decoder.maxFrameSize, "frame of \(frame.count) bytes")
                outcome.frames.append(frame)
            }
        }
    } catch {
        outcome.error = "\(error)"
    }
    // After an error the stream is closed, so what stayed buffered then does not matter.
    outcome.bufferedCount = outcome.error == nil ? decoder.bufferedCount : 0
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzThrift(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)

    let whole = decodeFrames(Splitting.whole(input))
    let pieces = decodeFrames(Splitting.random(input))
    invariant(whole == pieces, "frame decoding differs by pieces:\n\(whole)\n\(pieces)")

    // The input as one message body (the golden fixtures are bodies), then each frame it holds.
    for body in [input] + whole.frames.prefix(4) {
        var reader = ThriftBinaryReader(body)
        if (try? reader.readMessageBegin()) == nil { reader = ThriftBinaryReader(body) }
        checkTypedDecoders(reader)
        checkProcessor(body)
        checkSerializedCells(body)
    }
    return 0
}

/// Entry point (SwiftPM links `main` to `FuzzThrift_main`).
@_cdecl("FuzzThrift_main")
public func fuzzThriftMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzThrift)
}

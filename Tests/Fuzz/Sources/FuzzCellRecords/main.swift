// Fuzzes the cell upload path: CellRecordReader splitting a JSON array or NDJSON body into
// records as the bytes arrive, then CellInput turning each record into a Cell. Invariants:
// - whole, random-piece and (for short inputs) byte-by-byte bodies give the same records and
//   the same error;
// - a body that Foundation parses as a JSON array splits into one record per element;
// - a cell CellInput accepts has a row (and a family unless it deletes the row), and writing it
//   out as the gateway does (CellEncoding, plain and base64) reads back as the same cell;
// - a record read by the upload path (PlainJSONObject first) gives what the full parser gives.
import Foundation
import FuzzSupport
import HypertableClient
@testable import Gateway

/// Small, so the "record too long" paths are reachable with short inputs.
let maxRecordBytes = 300

struct RecordSummary: Equatable {
    var json: Data
    var position: String
}

struct Outcome: Equatable {
    var records: [RecordSummary] = []
    /// "400" when the body was refused. Only that is compared: a body with two faults (an
    /// over-long record that is also malformed) may be refused for either, depending on where
    /// the reads ended.
    var error: String?
    /// The refusal's wording, kept for the checks and messages but not compared.
    var detail: String?

    static func == (lhs: Outcome, rhs: Outcome) -> Bool {
        lhs.records == rhs.records && lhs.error == rhs.error
    }
}

func read(_ pieces: [ArraySlice<UInt8>], _ format: CellRecordReader.Format, maxRecordBytes: Int) -> Outcome {
    var remaining = pieces[...]
    var reader = CellRecordReader(format: format, maxRecordBytes: maxRecordBytes) {
        remaining.popFirst().map(Array.init)
    }
    var outcome = Outcome()
    do {
        while let record = try reader.next() {
            outcome.records.append(RecordSummary(json: record.json, position: record.position))
        }
        invariant(reader.finished, "next() returned nil but the reader is not finished")
        invariant((try? reader.next()) == nil, "a finished reader returned another record")
    } catch let problem as Problem {
        invariant(problem.status == 400, "status \(problem.status)")
        outcome.error = "400"
        outcome.detail = problem.detail
    } catch {
        invariant(false, "the reader threw \(error), not a Problem")
    }
    return outcome
}

func normalized(_ cell: Cell) -> Cell {
    var cell = cell
    cell.value = cell.value ?? []
    return cell
}

/// A record's outcome: its cell, or the problem's status and detail.
func outcome(_ read: () throws -> Cell) -> String {
    do { return "cell \(try read())" } catch let problem as Problem {
        return "problem \(problem.status) \(problem.detail)"
    } catch { return "error \(error)" }
}

func checkCell(_ json: Data, _ position: String) {
    // The upload path (plain-string records read without Foundation) decides as the full
    // parser does, on every record: the same cell or the same refusal.
    for encoding in [CellEncoding(), CellEncoding(forceBase64: true)] {
        let upload = outcome { try CellInput.cell(record: json, encoding: encoding, position: position) }
        let full = outcome { try CellInput.cell(CellInput.parse(json, what: position), encoding: encoding, position: position) }
        invariant(upload == full, "the upload path read \(upload), the full parser \(full)")
    }
    guard let object = try? CellInput.parse(json, what: position) else { return }
    for encoding in [CellEncoding(), CellEncoding(forceBase64: true)] {
        let cell: Cell
        do {
            cell = try CellInput.cell(object, encoding: encoding, position: position)
        } catch {
            invariant(error is Problem, "CellInput threw \(error), not a Problem")
            continue
        }
        invariant(!cell.key.row.isEmpty, "a cell without a row")
        invariant(!cell.key.columnFamily.isEmpty || cell.key.flag == .deleteRow, "a cell without a family")
        // A row delete has no family; CellEncoding writes it as `"column_family": ""`, which
        // CellInput takes back for a row delete, so it round-trips like every other cell.
        for output in [CellEncoding(), CellEncoding(forceBase64: true)] {
            var writer = JSONWriter()
            output.write(cell, into: &writer)
            let again: Cell
            do {
                let reparsed = try CellInput.parse(Data(writer.bytes), what: "copy")
                again = try CellInput.cell(reparsed, encoding: CellEncoding(), position: "copy")
            } catch {
                invariant(false, "the gateway's own JSON for \(cell) is refused: \(error)\n"
                          + String(decoding: writer.bytes, as: UTF8.self))
                return
            }
            invariant(normalized(again) == normalized(cell),
                      "cell changed in a write/read round trip:\n\(cell)\n\(again)")
        }
    }
}

/// Foundation's reading of the whole body, for inputs where it and the reader see the same
/// text (UTF-8 without NUL or BOM: Foundation would otherwise guess UTF-16 or UTF-32).
func foundationArrayCount(_ input: [UInt8]) -> Int? {
    guard !input.contains(0), input.prefix(3) != [0xEF, 0xBB, 0xBF],
          String(validating: input, as: UTF8.self) != nil else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(input))) .flatMap { $0 as? [Any] }?.count
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCellRecords(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)
    for format in [CellRecordReader.Format.jsonArray, .ndjson] {
        let whole = read(Splitting.whole(input), format, maxRecordBytes: maxRecordBytes)
        let pieces = read(Splitting.random(input), format, maxRecordBytes: maxRecordBytes)
        invariant(whole == pieces, "\(format) records differ by pieces:\n\(whole)\n\(pieces)")
        if input.count <= 512 {
            let byByte = read(Splitting.byteByByte(input), format, maxRecordBytes: maxRecordBytes)
            invariant(whole == byByte, "\(format) records differ byte by byte:\n\(whole)\n\(byByte)")
        }
        for record in whole.records.prefix(8) { checkCell(record.json, record.position) }
    }
    if let elements = foundationArrayCount(input) {
        let unlimited = read(Splitting.whole(input), .jsonArray, maxRecordBytes: .max)
        // Foundation (swift-corelibs) accepts a trailing comma in an array, which JSON does not
        // (RFC 8259 §5); the reader rightly refuses it, so that disagreement is not a failure.
        let trailingComma = unlimited.detail?.hasSuffix("expected a value after ','") == true
        invariant(trailingComma || (unlimited.error == nil && unlimited.records.count == elements),
                  "a JSON array of \(elements) elements read as \(unlimited)")
    }
    return 0
}

/// Entry point (SwiftPM links `main` to `FuzzCellRecords_main`).
@_cdecl("FuzzCellRecords_main")
public func fuzzCellRecordsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzCellRecords)
}

// Fuzzes ChunkedBodyDecoder (chunked transfer coding) the way both callers drive it: the
// request parser keeps one growing buffer; RequestBodyStream drops consumed bytes between calls
// and asks for at most `maxData` bytes at a time. Invariants:
// - whole, byte-by-byte and random-piece deliveries decode the same body, stop at the same
//   byte and fail with the same error kind;
// - `.data` ranges are non-empty, within the buffer and at most `maxData`; `decodedByteCount`
//   is the body's size, which never passes `maxBodySize`; `.done` is sticky and consumes nothing;
// - a decoded body, chunked again, decodes to itself.
import FuzzSupport
@testable import HTTPServer

struct Outcome: Equatable {
    var body: [UInt8] = []
    var done = false
    var error: ChunkedBodyError.Kind?
    /// Input bytes consumed when the decoder finished or ran out of input (not compared after
    /// an error: the body is unusable then, and how far the decoder got does not matter).
    var consumed = 0
}

struct Configuration {
    var maxBodySize: Int
    var maxTrailerSectionSize: Int
    var countsTrailerSectionEnd: Bool
    var maxData: Int

    func decoder() -> ChunkedBodyDecoder {
        ChunkedBodyDecoder(maxBodySize: maxBodySize, maxTrailerSectionSize: maxTrailerSectionSize,
                           countsTrailerSectionEnd: countsTrailerSectionEnd)
    }
}

/// - Parameter dropsConsumed: drop consumed bytes before each call, as RequestBodyStream does.
func run(_ pieces: [ArraySlice<UInt8>], _ configuration: Configuration, dropsConsumed: Bool) -> Outcome {
    var decoder = configuration.decoder()
    var buffer: [UInt8] = []
    var readIndex = 0
    var dropped = 0
    var outcome = Outcome()
    func step() throws(ChunkedBodyError) -> Bool {
        while true {
            if dropsConsumed && readIndex > 0 {
                buffer.removeSubrange(0..<readIndex)
                dropped += readIndex
                readIndex = 0
            }
            let before = readIndex
            let result = try decoder.next(in: buffer, readIndex: &readIndex, maxData: configuration.maxData)
            invariant(readIndex >= before && readIndex <= buffer.count, "read index \(before) -> \(readIndex) of \(buffer.count)")
            switch result {
            case .needMoreBytes:
                return false
            case .data(let range):
                invariant(!range.isEmpty && range.upperBound == readIndex && range.lowerBound >= before
                          && range.count <= configuration.maxData, "data range \(range) from \(before)")
                outcome.body += buffer[range]
                invariant(decoder.decodedByteCount == outcome.body.count, "decodedByteCount")
                invariant(outcome.body.count <= configuration.maxBodySize, "body past maxBodySize")
            case .done:
                invariant(decoder.isDone, "done but not isDone")
                let at = readIndex
                let again = try decoder.next(in: buffer, readIndex: &readIndex, maxData: configuration.maxData)
                invariant(again == .done && readIndex == at, ".done is not sticky")
                return true
            }
        }
    }
    do throws(ChunkedBodyError) {
        for piece in pieces {
            buffer += piece
            if try step() {
                outcome.done = true
                break
            }
        }
    } catch {
        outcome.error = error.kind
    }
    outcome.consumed = outcome.error == nil ? dropped + readIndex : 0
    return outcome
}

/// The body chunked in pieces of 1...n bytes, with an extension now and then.
func chunked(_ body: [UInt8], _ random: inout InputRandom) -> [UInt8] {
    var out: [UInt8] = []
    var start = 0
    while start < body.count {
        let size = 1 + random.next(below: min(body.count - start, 300))
        out += Array(String(size, radix: 16, uppercase: random.nextBool()).utf8)
        if random.next(below: 4) == 0 { out += Array(";ext=1".utf8) }
        out += [0x0D, 0x0A] + body[start..<start + size] + [0x0D, 0x0A]
        start += size
    }
    out += Array("0\r\n\r\n".utf8)
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunkedBody(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)
    var random = InputRandom(seededBy: input)
    // Small limits reach the size errors with short inputs; the configuration depends only on
    // the input, so every delivery of it uses the same one.
    let configuration = Configuration(maxBodySize: [0, 1, 100, 1000, 1 << 20][random.next(below: 5)],
                                      maxTrailerSectionSize: [0, 2, 64, 4096][random.next(below: 4)],
                                      countsTrailerSectionEnd: random.nextBool(),
                                      maxData: [1, 7, 4096, .max][random.next(below: 4)])
    let whole = run(Splitting.whole(input), configuration, dropsConsumed: false)
    let byByte = run(Splitting.byteByByte(input), configuration, dropsConsumed: true)
    invariant(whole == byByte, "byte-by-byte delivery differs:\n\(whole)\n\(byByte)")
    let pieces = run(Splitting.random(input), configuration, dropsConsumed: random.nextBool())
    invariant(whole == pieces, "delivery in pieces differs:\n\(whole)\n\(pieces)")

    if whole.done {
        var loose = configuration
        loose.maxBodySize = 1 << 20
        let again = run(Splitting.whole(chunked(whole.body, &random)), loose, dropsConsumed: false)
        invariant(again.done && again.body == whole.body, "re-chunked body decodes differently: \(again)")
    }
    return 0
}

/// Entry point (SwiftPM links `main` to `FuzzChunkedBody_main`).
@_cdecl("FuzzChunkedBody_main")
public func fuzzChunkedBodyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzChunkedBody)
}

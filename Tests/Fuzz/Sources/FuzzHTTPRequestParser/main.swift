// Fuzzes HTTPRequestParser with whole heads and pipelined requests, delivered whole, byte by
// byte and in random pieces. Invariants:
// - every delivery yields the same requests, the same error kind and the same leftover bytes
//   (the parser's result may not depend on where the socket split the stream);
// - a request respects the limits, its body matches its Content-Length, and writing it back
//   out (method, target, version, fields, body with a Content-Length) parses to the same request.
import FuzzSupport
@testable import HTTPServer

/// Small limits, so the fuzzer reaches every "too large" branch with short inputs. The request
/// line limit stays above 64: `requestLineTooLong` looks at up to 64 bytes to pick 414 or 400.
let limits = HTTPParserLimits(maxRequestLineLength: 200, maxHeaderSectionSize: 600, maxHeaderCount: 12,
                              maxBodySize: 1000, maxStreamedBodySize: 5000)

/// Paths under /s stream their body, as `POST .../cells` does in the gateway; heads for paths
/// under /r are refused before their body is read, as the gateway's guards do.
let admit: HTTPRequestParser.Admission = { head in
    if head.path.hasPrefix("/r") { return .refuse(HTTPResponse(status: .forbidden)) }
    return .proceed(streamBody: head.path.hasPrefix("/s"))
}

struct RequestSummary: Equatable {
    var method: String
    var target: String
    var version: HTTPVersion
    var fields: [HTTPHeaders.Field]
    var body: [UInt8]
    var streamed: StreamedBodyHead?

    init(_ request: HTTPRequest) {
        method = request.method.rawValue
        target = request.target
        version = request.version
        fields = request.headers.fields
        body = request.body
        streamed = request.streamedBody
    }
}

/// A refused head, and whether its body was still pending (the stream then stops).
struct Refusal: Equatable {
    var head: RequestSummary
    var bodyPending: Bool
}

struct Outcome: Equatable {
    var requests: [RequestSummary] = []
    var refusals: [Refusal] = []
    var error: HTTPParseError.Kind?
    /// After a streamed head: the bytes the parser hands back plus those not yet delivered.
    var handedBack: [UInt8]?
    /// At the end of the input, without an error or streamed head.
    var bufferedByteCount = 0
    var isMidRequest = false
}

func run(_ input: [UInt8], _ pieces: [ArraySlice<UInt8>]) -> Outcome {
    var parser = HTTPRequestParser(limits: limits, admit: admit)
    var outcome = Outcome()
    var delivered = 0
    for piece in pieces {
        parser.append(Array(piece))
        delivered += piece.count
        do {
            while let event = try parser.nextEvent() {
                let request: HTTPRequest
                switch event {
                case .request(let complete):
                    request = complete
                case .refused(let head, _, let bodyPending):
                    invariant(head.path.hasPrefix("/r") && head.body.isEmpty, "refused \(head.target)")
                    outcome.refusals.append(Refusal(head: RequestSummary(head), bodyPending: bodyPending))
                    if bodyPending {
                        // The body was never read: nothing after it can be parsed.
                        let after = try parser.nextEvent()
                        invariant(after.map { _ in false } ?? true, "events after a refusal with a pending body")
                        return outcome
                    }
                    continue
                }
                invariant(!request.path.hasPrefix("/r"), "a request the admission refused came out")
                check(request)
                outcome.requests.append(RequestSummary(request))
                if request.streamedBody != nil {
                    outcome.handedBack = parser.takeUnconsumedBytes() + input[delivered...]
                    return outcome
                }
            }
        } catch {
            outcome.error = error.kind
            return outcome
        }
        _ = parser.takeContinueRequest()
    }
    outcome.bufferedByteCount = parser.bufferedByteCount
    outcome.isMidRequest = parser.isMidRequest
    return outcome
}

func check(_ request: HTTPRequest) {
    invariant(request.version.major == 1 && request.version.minor <= 9, "version \(request.version)")
    invariant(!request.method.rawValue.isEmpty, "empty method")
    invariant(!request.target.isEmpty && request.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F },
              "target \(request.target.debugDescription)")
    invariant(request.headers.count <= limits.maxHeaderCount, "\(request.headers.count) fields")
    if request.streamedBody == nil {
        invariant(request.body.count <= limits.maxBodySize, "body of \(request.body.count) bytes")
        if let length = request.headers["Content-Length"], !request.headers.contains("Transfer-Encoding") {
            let first = length.split(separator: ",").first.map { $0.trimmingCharacters() } ?? ""
            invariant(Int(first) == request.body.count, "Content-Length \(length) for \(request.body.count) bytes")
        }
    } else {
        invariant(request.body.isEmpty, "a streamed request with a buffered body")
    }
    // Derived views must not trap whatever the target holds.
    _ = request.pathSegments
    _ = request.queryItems
    checkRoundTrip(request)
}

extension Substring {
    func trimmingCharacters() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}

/// Writes a buffered request back out with its body under a Content-Length and parses it again.
/// Framing fields are left out of the comparison (the copy is always Content-Length framed);
/// requests whose field values are not ASCII are skipped (obs-text is decoded as ISO-8859-1, so
/// it does not come back as the same bytes).
func checkRoundTrip(_ request: HTTPRequest) {
    guard request.streamedBody == nil else { return }
    let isFraming: (HTTPHeaders.Field) -> Bool = {
        HTTPHeaders.equalNames($0.name, "Content-Length") || HTTPHeaders.equalNames($0.name, "Transfer-Encoding")
    }
    let fields = request.headers.fields.filter { !isFraming($0) }
    guard fields.allSatisfy({ $0.value.utf8.allSatisfy { $0 < 0x80 } }) else { return }
    var text = "\(request.method.rawValue) \(request.target) HTTP/1.\(request.version.minor)\r\n"
    for field in fields { text += "\(field.name): \(field.value)\r\n" }
    if !request.body.isEmpty { text += "Content-Length: \(request.body.count)\r\n" }
    text += "\r\n"
    var copy = HTTPRequestParser(limits: HTTPParserLimits())
    copy.append(Array(text.utf8) + request.body)
    let parsed: HTTPRequest?
    do {
        parsed = try copy.nextRequest()
    } catch {
        // The copy may exceed the original's budget only through the added Content-Length
        // field, and the default limits leave room for that; anything else is a disagreement.
        invariant(false, "re-serialised request refused: \(error) for \(text.debugDescription)")
        return
    }
    guard let parsed else {
        invariant(false, "re-serialised request incomplete: \(text.debugDescription)")
        return
    }
    invariant(parsed.method == request.method && parsed.target == request.target
              && parsed.version == request.version && parsed.body == request.body,
              "round trip changed the request line or body: \(text.debugDescription)")
    invariant(parsed.headers.fields.filter { !isFraming($0) } == fields,
              "round trip changed the fields: \(text.debugDescription)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequestParser(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)
    let whole = run(input, Splitting.whole(input))
    let byByte = run(input, Splitting.byteByByte(input))
    invariant(whole == byByte, "byte-by-byte delivery differs:\n\(whole)\n\(byByte)")
    let pieces = run(input, Splitting.random(input))
    invariant(whole == pieces, "delivery in pieces differs:\n\(whole)\n\(pieces)")
    return 0
}

/// Entry point (SwiftPM links `main` to `FuzzHTTPRequestParser_main`).
@_cdecl("FuzzHTTPRequestParser_main")
public func fuzzHTTPRequestParserMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzHTTPRequestParser)
}

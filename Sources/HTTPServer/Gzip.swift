import CZlib

/// gzip (RFC 1952) compression through zlib's deflate with the gzip wrapper.
///
/// One instance compresses one stream, on one thread. `z_stream` holds a pointer back to
/// itself inside zlib, so it lives at a fixed heap address.
final class GzipDeflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var finished = false

    /// nil when zlib cannot initialise (out of memory).
    init?(level: Int32 = 6) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16 selects the gzip wrapper.
        let rc = deflateInit2_(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            return nil
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `input`; `flush` is `Z_SYNC_FLUSH` to make a streamed piece decodable at
    /// once, `Z_FINISH` for the end.
    func compress(_ input: [UInt8], flush: Int32) -> [UInt8] {
        guard !finished else { return [] }
        if flush == Z_FINISH { finished = true }
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: max(1024, min(input.count / 2 + 64, 64 * 1024)))
        input.withUnsafeBufferPointer { inputPointer in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inputPointer.baseAddress)
            stream.pointee.avail_in = UInt32(inputPointer.count)
            repeat {
                let produced = scratch.withUnsafeMutableBufferPointer { out -> Int in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = UInt32(out.count)
                    _ = deflate(stream, flush)
                    return out.count - Int(stream.pointee.avail_out)
                }
                output.append(contentsOf: scratch[0..<produced])
            } while stream.pointee.avail_out == 0
            stream.pointee.next_in = nil
        }
        return output
    }

    /// One-shot gzip of a whole body.
    static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
        GzipDeflater(level: level)?.compress(bytes, flush: Z_FINISH)
    }
}

/// Media types worth compressing: text and the structured text formats the gateway serves.
func isCompressibleContentType(_ contentType: String?) -> Bool {
    guard let contentType else { return false }
    let mediaType = (contentType.split(separator: ";").first.map { $0.trimmingHTTPWhitespace() } ?? "").lowercased()
    if mediaType.hasPrefix("text/") { return true }
    if mediaType.hasSuffix("+json") || mediaType.hasSuffix("+xml") { return true }
    switch mediaType {
    case "application/json", "application/x-ndjson", "application/xml", "application/javascript",
         "application/yaml", "application/x-yaml", "application/openmetrics-text":
        return true
    default:
        return false
    }
}

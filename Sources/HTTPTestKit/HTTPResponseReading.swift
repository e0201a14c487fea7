import Support

/// HTTP/1.1 response parsing over a buffer that a transport fills on demand: shared by the
/// plain (`HTTPTestClient`) and TLS (`HTTPSTestClient`) test clients, which differ only in how
/// bytes arrive.
public protocol HTTPResponseReading: AnyObject {
    /// Bytes received and not yet parsed.
    var receivedBytes: [UInt8] { get set }
    /// Appends at least one byte to `receivedBytes`; throws at the end of the stream, on a
    /// timeout or a transport error.
    func receiveMore() throws
}

extension HTTPResponseReading {
    /// Reads one whole response (skipping any 1xx). `method` HEAD means no body; without
    /// Content-Length or chunked framing the body runs to the close.
    public func readResponse(method: String = "GET") throws -> HTTPTestResponse {
        var response = try readHead()
        while (100..<200).contains(response.status) { response = try readHead() }
        if method == "HEAD" || response.status == 204 || response.status == 304 { return response }
        if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            while let chunk = try readChunk() {
                response.chunks.append(chunk)
                response.body += chunk
            }
        } else if let length = response.header("Content-Length").flatMap({ Int($0) }) {
            response.body = try readExactly(length)
        } else {
            while (try? receiveMore()) != nil {}
            response.body = receivedBytes
            receivedBytes = []
        }
        return response
    }

    /// Reads a status line and header fields only (for reading a streamed body step by step).
    public func readHead() throws -> HTTPTestResponse {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw HTTPTestClientError.malformed("status line \"\(statusLine)\"")
        }
        var response = HTTPTestResponse(status: status, reason: parts.count > 2 ? String(parts[2]) : "")
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else {
                throw HTTPTestClientError.malformed("header line \"\(line)\"")
            }
            response.headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingWhitespace()))
        }
        return response
    }

    /// The next chunk's data of a chunked body, or nil after the last chunk (trailers consumed).
    public func readChunk() throws -> [UInt8]? {
        let sizeLine = try readLine()
        let sizeText = sizeLine.split(separator: ";").first.map { $0.trimmingWhitespace() } ?? ""
        guard let size = Int(sizeText, radix: 16), size >= 0 else {
            throw HTTPTestClientError.malformed("chunk size \"\(sizeLine)\"")
        }
        if size == 0 {
            while try !readLine().isEmpty {}
            return nil
        }
        let data = try readExactly(size)
        guard try readLine().isEmpty else { throw HTTPTestClientError.malformed("chunk not followed by CRLF") }
        return data
    }

    func readLine() throws -> String {
        while true {
            if let lf = receivedBytes.firstIndex(of: 0x0A) {
                var end = lf
                if end > 0 && receivedBytes[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: receivedBytes[0..<end], as: UTF8.self)
                receivedBytes.removeSubrange(0...lf)
                return line
            }
            try receiveMore()
        }
    }

    func readExactly(_ count: Int) throws -> [UInt8] {
        while receivedBytes.count < count { try receiveMore() }
        let bytes = Array(receivedBytes[0..<count])
        receivedBytes.removeSubrange(0..<count)
        return bytes
    }
}


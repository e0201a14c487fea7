import Sockets

/// A tiny blocking HTTP/1.1 client for tests: raw bytes or whole requests over one
/// connection (kept alive between requests), every read and write bounded by `timeout`.
public final class HTTPTestClient {
    public let host: String
    public let port: Int
    /// Seconds each blocking operation may take.
    public var timeout: Double
    private let socket: Socket
    private var buffer: [UInt8] = []
    private var sawEndOfStream = false

    public init(host: String = "127.0.0.1", port: Int, timeout: Double = 5) throws {
        self.host = host
        self.port = port
        self.timeout = timeout
        socket = try Socket.connect(host: host, port: port, deadline: .after(seconds: timeout))
    }

    deinit { socket.close() }

    // MARK: sending

    public func send(raw bytes: [UInt8]) throws {
        try socket.writeAll(bytes, deadline: .after(seconds: timeout))
    }

    public func send(raw text: String) throws {
        try send(raw: Array(text.utf8))
    }

    /// Sends one request. Adds `Host` unless given, and `Content-Length` for a non-empty body
    /// unless `Content-Length` or `Transfer-Encoding` is given.
    public func sendRequest(_ method: String = "GET", _ path: String, headers: [(String, String)] = [],
                            body: [UInt8] = [], version: String = "HTTP/1.1") throws {
        var head = "\(method) \(path) \(version)\r\n"
        let names = Set(headers.map { $0.0.lowercased() })
        if !names.contains("host") { head += "Host: \(host):\(port)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty && !names.contains("content-length") && !names.contains("transfer-encoding") {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try send(raw: Array(head.utf8) + body)
    }

    /// Sends a request and reads its response.
    public func request(_ method: String = "GET", _ path: String, headers: [(String, String)] = [],
                        body: [UInt8] = [], version: String = "HTTP/1.1") throws -> HTTPTestResponse {
        try sendRequest(method, path, headers: headers, body: body, version: version)
        return try readResponse(method: method)
    }

    public func request(_ method: String = "GET", _ path: String, headers: [(String, String)] = [],
                        body: String) throws -> HTTPTestResponse {
        try request(method, path, headers: headers, body: Array(body.utf8))
    }

    // MARK: reading

    /// Reads one whole response (skipping any 1xx). `method` HEAD means no body.
    public func readResponse(method: String = "GET") throws -> HTTPTestResponse {
        var response = try readHead()
        while (100..<200).contains(response.status) { response = try readHead() }
        let noBody = method == "HEAD" || response.status == 204 || response.status == 304
        if noBody { return response }
        if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            while let chunk = try readChunk() {
                response.chunks.append(chunk)
                response.body += chunk
            }
        } else if let length = response.header("Content-Length").flatMap({ Int($0) }) {
            response.body = try readExactly(length)
        } else {
            response.body = try readToEnd()
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
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmingSpaces()
            response.headers.append((name, value))
        }
        return response
    }

    /// The next chunk's data of a chunked body, or nil after the last chunk (trailers consumed).
    public func readChunk() throws -> [UInt8]? {
        let sizeLine = try readLine()
        let sizeText = sizeLine.split(separator: ";").first.map(String.init)?.trimmingSpaces() ?? ""
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

    /// True when the server closes the connection (EOF or reset) within `timeout` seconds;
    /// bytes that arrive meanwhile are discarded.
    public func waitForClose(timeout seconds: Double? = nil) -> Bool {
        if sawEndOfStream { return true }
        let deadline = Deadline.after(seconds: seconds ?? timeout)
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            do {
                _ = try scratch.withUnsafeMutableBytes { try socket.readSome(into: $0, deadline: deadline) }
            } catch SocketError.timedOut {
                return false
            } catch {
                sawEndOfStream = true
                return true
            }
        }
    }

    public func close() { socket.close() }

    private func fill() throws {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        let count: Int
        do {
            count = try scratch.withUnsafeMutableBytes { try socket.readSome(into: $0, deadline: .after(seconds: timeout)) }
        } catch SocketError.connectionClosed {
            sawEndOfStream = true
            throw HTTPTestClientError.connectionClosed
        }
        buffer.append(contentsOf: scratch[0..<count])
    }

    private func readLine() throws -> String {
        while true {
            if let lf = buffer.firstIndex(of: 0x0A) {
                var end = lf
                if end > 0 && buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeSubrange(0...lf)
                return line
            }
            try fill()
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let bytes = Array(buffer[0..<count])
        buffer.removeSubrange(0..<count)
        return bytes
    }

    private func readToEnd() throws -> [UInt8] {
        while true {
            do { try fill() } catch HTTPTestClientError.connectionClosed { break } catch SocketError.system {
                break
            }
        }
        let bytes = buffer
        buffer = []
        return bytes
    }
}

/// A response as the test client read it.
public struct HTTPTestResponse: Sendable {
    public var status: Int
    public var reason: String
    public var headers: [(String, String)] = []
    public var body: [UInt8] = []
    /// The chunks of a chunked body, in arrival order.
    public var chunks: [[UInt8]] = []

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

public enum HTTPTestClientError: Error, Sendable, Equatable {
    case connectionClosed
    case malformed(String)
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

import Sockets

/// A tiny blocking HTTP/1.1 client for tests: raw bytes or whole requests over one
/// connection (kept alive between requests), every read and write bounded by `timeout`.
public final class HTTPTestClient: HTTPResponseReading {
    public let host: String
    public let port: Int
    /// Seconds each blocking operation may take.
    public var timeout: Double
    private let socket: Socket
    public var receivedBytes: [UInt8] = []
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
        try send(raw: requestBytes(method, path, host: "\(host):\(port)", headers: headers, body: body, version: version))
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

    public func receiveMore() throws {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        let count: Int
        do {
            count = try scratch.withUnsafeMutableBytes { try socket.readSome(into: $0, deadline: .after(seconds: timeout)) }
        } catch SocketError.connectionClosed {
            sawEndOfStream = true
            throw HTTPTestClientError.connectionClosed
        }
        receivedBytes.append(contentsOf: scratch[0..<count])
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

/// A request's bytes: `Host` added unless given, and `Content-Length` for a non-empty body
/// unless `Content-Length` or `Transfer-Encoding` is given.
func requestBytes(_ method: String, _ path: String, host: String, headers: [(String, String)],
                  body: [UInt8], version: String = "HTTP/1.1") -> [UInt8] {
    var head = "\(method) \(path) \(version)\r\n"
    let names = Set(headers.map { $0.0.lowercased() })
    if !names.contains("host") { head += "Host: \(host)\r\n" }
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if !body.isEmpty && !names.contains("content-length") && !names.contains("transfer-encoding") {
        head += "Content-Length: \(body.count)\r\n"
    }
    head += "\r\n"
    return Array(head.utf8) + body
}

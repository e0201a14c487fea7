#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 socket address.
public struct SocketAddress: Sendable, CustomStringConvertible {
    var storage: sockaddr_storage
    var length: socklen_t

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    var family: Int32 { Int32(storage.ss_family) }

    func withSockAddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T) rethrows -> T {
        var copy = storage
        return try withUnsafePointer(to: &copy) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    /// The numeric host (`127.0.0.1`, `::1`).
    public var host: String {
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let rc = withSockAddr { address, length in
            getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        }
        guard rc == 0 else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var port: Int {
        var copy = storage
        return withUnsafePointer(to: &copy) { pointer -> Int in
            if family == Int32(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
    }

    public var description: String {
        family == Int32(AF_INET6) ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Resolves `host:port` to its first address.
    public static func resolve(host: String, port: Int, passive: Bool = false) throws -> SocketAddress {
        guard let first = try resolveAll(host: host, port: port, passive: passive).first else {
            throw SocketError.addressResolution(host: host, message: "no addresses")
        }
        return first
    }

    /// Resolves `host:port` to every TCP address `getaddrinfo` gives, in its order.
    public static func resolveAll(host: String, port: Int, passive: Bool = false) throws -> [SocketAddress] {
        guard (0...65535).contains(port) else { throw SocketError.invalidArgument("port \(port) out of range") }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = passive ? AI_PASSIVE : 0
        var result: UnsafeMutablePointer<addrinfo>?
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let rc = getaddrinfo(name.isEmpty ? nil : name, String(port), &hints, &result)
        guard rc == 0, let list = result else {
            throw SocketError.addressResolution(host: host, message: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                var storage = sockaddr_storage()
                let length = entry.pointee.ai_addrlen
                withUnsafeMutableBytes(of: &storage) { target in
                    target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length)))
                }
                addresses.append(SocketAddress(storage: storage, length: length))
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}

/// Splits `HOST:PORT`, `[v6]:PORT` or `:PORT` into its parts.
public func parseHostPort(_ text: String, defaultHost: String = "127.0.0.1") throws -> (host: String, port: Int) {
    guard let colon = text.lastIndex(of: ":") else {
        throw SocketError.invalidArgument("expected HOST:PORT, got \"\(text)\"")
    }
    var host = String(text[..<colon])
    let portText = text[text.index(after: colon)...]
    guard let port = Int(portText), (0...65535).contains(port) else {
        throw SocketError.invalidArgument("bad port in \"\(text)\"")
    }
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return (host.isEmpty ? defaultHost : host, port)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sockets

/// The socket itself: every call is the `Socket` call, nothing added.
final class PlainSocketTransport: ConnectionTransport {
    let socket: Socket

    init(socket: Socket) {
        self.socket = socket
    }

    @inline(__always)
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> TransportReadResult {
        Self.result(try socket.read(into: buffer))
    }

    func allowWaitingReads(upToMilliseconds milliseconds: Int) -> Bool {
        (try? socket.allowWaitingReceives(upToMilliseconds: milliseconds)) != nil
    }

    @inline(__always)
    func readWaiting(into buffer: UnsafeMutableRawBufferPointer) throws -> TransportReadResult {
        Self.result(try socket.receiveWaiting(into: buffer))
    }

    @inline(__always)
    private static func result(_ result: Socket.ReadResult) -> TransportReadResult {
        switch result {
        case .bytes(let count): return .bytes(count)
        case .wouldBlock: return .wouldBlock(.readable)
        case .endOfStream: return .endOfStream
        }
    }

    @inline(__always)
    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        try socket.write(bytes)
    }

    var writeRetryEvents: Int16 { Int16(POLLOUT) }

    var allowsConcurrentReadAndWrite: Bool { true }

    var hasBufferedInput: Bool { false }

    func shutdownOutput() {
        socket.shutdown(reading: false, writing: true)
    }

    func close() {
        socket.close()
    }
}

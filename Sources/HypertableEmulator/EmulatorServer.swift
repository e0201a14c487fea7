import ThriftBrokerServer
import Foundation
import HypertableClient
import Sockets
import Thrift

/// Serves an `EmulatedBroker` over the ThriftBroker's wire protocol: framed transport, strict
/// binary protocol, one thread per client connection (like the real broker's
/// `TThreadedServer`).
///
/// Object ids follow the real broker's `ServerHandlerFactory`: all connections from one client
/// IP address share one handler (here an `EmulatorSession`), reference-counted, and the
/// handler, with every namespace, scanner and mutator id in it, is freed when the last of
/// those connections closes.
public final class EmulatorServer: Sendable {
    public let broker: EmulatedBroker
    public let host: String
    public let maxFrameSize: Int
    private let requestedPort: Int

    private struct SharedSession {
        var session: EmulatorSession
        var connections: Int
    }
    private struct State {
        var listener: Socket?
        var port = 0
        var stopped = false
        var connections: [ObjectIdentifier: Socket] = [:]
        var sessions: [String: SharedSession] = [:]
        var threads = 0
    }
    private let state = Locked(State())
    /// Replies carry cells as the C++ broker writes them (empty qualifier/value unset).
    private let processor = ThriftBrokerProcessor(writesCellsLikeThriftBroker: true)

    /// - Parameters:
    ///   - port: 0 picks a free port; read it from `port` after `start()`.
    ///   - maxFrameSize: a client frame above it closes that connection, as TFramedTransport does.
    public init(broker: EmulatedBroker, host: String = "127.0.0.1", port: Int = 15867,
                maxFrameSize: Int = FramedTransport.defaultMaxFrameSize) {
        self.broker = broker
        self.host = host
        self.requestedPort = port
        self.maxFrameSize = maxFrameSize
    }

    /// The port it listens on (after `start()`).
    public var port: Int { state.withLock { $0.port } }

    /// Number of client connections being served right now.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds, listens and starts accepting on a thread of its own.
    public func start() throws {
        let listener = try Socket.listen(host: host, port: requestedPort)
        let port = try listener.localPort()
        state.withLock {
            $0.listener = listener
            $0.port = port
        }
        let thread = Thread { [self] in acceptLoop(listener) }
        thread.name = "emulator-accept"
        thread.start()
    }

    /// Stops accepting, disconnects every client and frees their sessions.
    public func stop() {
        let (listener, sockets) = state.withLock { state -> (Socket?, [Socket]) in
            state.stopped = true
            let listener = state.listener
            state.listener = nil
            return (listener, Array(state.connections.values))
        }
        listener?.shutdown()
        for socket in sockets { socket.shutdown() }
        // Connection threads notice the shutdown and release their sessions; wait briefly.
        let deadline = Deadline.after(seconds: 5)
        while state.withLock({ $0.threads > 0 }) && !deadline.hasPassed {
            usleep(2_000)
        }
        listener?.close()
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop(_ listener: Socket) {
        while !isStopped {
            do {
                // Wake up now and then to notice `stop()`.
                guard try listener.poll(events: Int16(POLLIN), deadline: .after(milliseconds: 200)) else { continue }
                while let (socket, peer) = try listener.accept() {
                    serve(socket, peerHost: peer.host)
                }
            } catch {
                if isStopped { break }
                // EMFILE and the like: back off instead of spinning.
                usleep(50_000)
            }
        }
    }

    private func serve(_ socket: Socket, peerHost: String) {
        let key = ObjectIdentifier(socket)
        let session: EmulatorSession? = state.withLock { state in
            if state.stopped { return nil }
            state.connections[key] = socket
            state.threads += 1
            if var shared = state.sessions[peerHost] {
                shared.connections += 1
                state.sessions[peerHost] = shared
                return shared.session
            }
            let session = broker.makeSession()
            state.sessions[peerHost] = SharedSession(session: session, connections: 1)
            return session
        }
        guard let session else {
            socket.close()
            return
        }
        let thread = Thread { [self] in
            connectionLoop(socket, session: session)
            release(key: key, peerHost: peerHost)
            socket.close()
        }
        thread.name = "emulator-connection"
        thread.start()
    }

    private func connectionLoop(_ socket: Socket, session: EmulatorSession) {
        let transport = FramedTransport(socket: socket, maxFrameSize: maxFrameSize)
        // No idle timeout, like the real broker: pooled clients keep idle connections for
        // hours. EOF, a reset, an oversized or negative frame end this connection only.
        try? processor.serve(transport, service: session, idleTimeoutMilliseconds: Int(Int32.max))
    }

    /// The session closes before the connection stops counting, so a caller that sees
    /// `connectionCount` fall to zero also sees the broker's sessions closed.
    private func release(key: ObjectIdentifier, peerHost: String) {
        let finished: EmulatorSession? = state.withLock { state in
            guard var shared = state.sessions[peerHost] else { return nil }
            shared.connections -= 1
            if shared.connections == 0 {
                state.sessions[peerHost] = nil
                return shared.session
            }
            state.sessions[peerHost] = shared
            return nil
        }
        finished?.close()
        state.withLock { state in
            state.connections[key] = nil
            state.threads -= 1
        }
    }
}

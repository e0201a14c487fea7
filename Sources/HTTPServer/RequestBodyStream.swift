#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sockets

/// How a streamed request body is delimited on the wire (RFC 9112 §6.3).
enum RequestBodyFraming: Sendable, Equatable {
    case length(Int)
    case chunked
}

/// What the parser knows of a streamed body once the head is complete.
struct StreamedBodyHead: Sendable, Equatable {
    var framing: RequestBodyFraming
    /// `Expect: 100-continue` on an HTTP/1.1 request (RFC 9110 §10.1.1).
    var expectsContinue: Bool
}

/// A request body read by the handler as it arrives, for routes registered with
/// `streamingBody: true`: memory stays bounded whatever the body's size.
///
/// `read(max:)` first returns the bytes that arrived with the head, then reads the connection
/// itself (the connection's own reading is suspended while the handler runs, so nothing else
/// touches it), decoding chunked framing with the parser's rules. Each wait for bytes is
/// bounded by the server's idle timeout. A client that sent `Expect: 100-continue` gets
/// `100 Continue` just before the first read that needs the network, so a handler that answers
/// without reading (415, 404) never invites the body.
///
/// After the handler returns, a body not read to its end is drained when little is left;
/// otherwise the response closes the connection. Leftover body bytes are never parsed as a
/// request.
///
/// Meant for the handler's thread; calls from several threads are serialized.
public final class RequestBodyStream: Sendable {
    private let reader: Locked<BodyReader>

    init(transport: any ConnectionTransport, head: StreamedBodyHead, buffered: [UInt8],
         limits: HTTPParserLimits, idleTimeout: Double, writeTimeout: Double,
         minimumRate: Int = 0, gracePeriod: Double = 0) {
        reader = Locked(BodyReader(transport: transport, head: head, buffered: buffered, limits: limits,
                                   idleTimeout: idleTimeout, writeTimeout: writeTimeout,
                                   minimumRate: minimumRate, gracePeriod: gracePeriod))
    }

    /// The next body bytes, at most `max` (at least 1 byte when not nil); nil at the body's end.
    /// Blocks until bytes arrive or the idle timeout passes.
    public func read(max: Int = 64 * 1024) throws(RequestBodyError) -> [UInt8]? {
        let result: Result<[UInt8]?, RequestBodyError> = reader.withLock { reader in
            do throws(RequestBodyError) {
                return .success(try reader.read(max: Swift.max(1, max)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// `Content-Length` when the client sent one; nil for a chunked body.
    public var declaredLength: Int? {
        if case .length(let length) = reader.withLock({ $0.framing }) { return length }
        return nil
    }

    /// Body bytes returned by `read` so far.
    public var bytesRead: Int { reader.withLock { $0.delivered } }

    /// True once `read` returned nil: the whole body (and any trailer section) was consumed.
    public var isComplete: Bool { reader.withLock { $0.isComplete } }

    /// After the handler: reads and discards the rest of the body when it is at most
    /// `maxBytes` more wire bytes and arrives before `deadline`. Returns the bytes received
    /// after the body (a pipelined request), or nil when the body's end was not reached and
    /// the connection must close.
    func settle(maxBytes: Int, deadline: Deadline) -> [UInt8]? {
        reader.withLock { $0.settle(maxBytes: maxBytes, deadline: deadline) }
    }

    /// The bytes received after the body (a pipelined request); nil before the body's end.
    var bytesAfterBody: [UInt8]? { reader.withLock { $0.isComplete ? $0.unconsumed : nil } }
}

/// The decoding state behind `RequestBodyStream`, guarded by its lock.
struct BodyReader: Sendable {
    private enum Phase: Sendable {
        /// Body bytes to pass through: the rest of a Content-Length body.
        case length(remaining: Int)
        /// Decoded by `chunkedBody`.
        case chunked
        case done
    }

    let transport: any ConnectionTransport
    let framing: RequestBodyFraming
    private let idleTimeout: Double
    private let writeTimeout: Double
    private var buffer: [UInt8]
    private var readIndex = 0
    private var phase: Phase
    /// Trailers have their own budget here: the empty line ending them is not counted.
    private var chunkedBody: ChunkedBodyDecoder
    private(set) var delivered = 0
    private(set) var continuePending: Bool
    private var failure: RequestBodyError?
    /// While settling: no wait may pass this.
    private var drainDeadline: Deadline?
    /// The minimum rate (bytes per second; 0: none) and its grace period, from `started`:
    /// a body that trickles in is cut however regularly its bytes come.
    private let minimumRate: Int
    private let gracePeriod: Double
    private let started = Deadline.now()
    private var wireBytes = 0

    init(transport: any ConnectionTransport, head: StreamedBodyHead, buffered: [UInt8], limits: HTTPParserLimits,
         idleTimeout: Double, writeTimeout: Double, minimumRate: Int = 0, gracePeriod: Double = 0) {
        self.minimumRate = minimumRate
        self.gracePeriod = gracePeriod
        self.wireBytes = buffered.count
        self.transport = transport
        self.framing = head.framing
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.buffer = buffered
        chunkedBody = ChunkedBodyDecoder(maxBodySize: limits.maxStreamedBodySize,
                                         maxTrailerSectionSize: limits.maxHeaderSectionSize,
                                         countsTrailerSectionEnd: false)
        switch head.framing {
        case .length(let length):
            phase = length > 0 ? .length(remaining: length) : .done
            continuePending = head.expectsContinue && length > 0 && buffered.isEmpty
        case .chunked:
            phase = .chunked
            continuePending = head.expectsContinue && buffered.isEmpty
        }
    }

    var isComplete: Bool {
        if case .done = phase { return true }
        return false
    }

    mutating func read(max: Int) throws(RequestBodyError) -> [UInt8]? {
        if let failure { throw failure }
        do {
            return try next(max: max)
        } catch {
            failure = error
            throw error
        }
    }

    var unconsumed: [UInt8] { Array(buffer[readIndex...]) }

    mutating func settle(maxBytes: Int, deadline: Deadline) -> [UInt8]? {
        if !isComplete {
            guard failure == nil, !continuePending else { return nil }
            if case .length(let remaining) = phase, remaining > maxBytes { return nil }
            drainDeadline = deadline
            var discarded = 0
            while discarded <= maxBytes {
                do {
                    guard let bytes = try read(max: 64 * 1024) else { break }
                    discarded += bytes.count
                } catch {
                    return nil
                }
            }
            guard isComplete else { return nil }
        }
        return unconsumed
    }

    private mutating func next(max: Int) throws(RequestBodyError) -> [UInt8]? {
        while true {
            switch phase {
            case .done:
                return nil
            case .length(let remaining):
                if readIndex == buffer.count { try fill() }
                let take = min(buffer.count - readIndex, remaining, max)
                let bytes = Array(buffer[readIndex..<readIndex + take])
                readIndex += take
                delivered += take
                phase = remaining > take ? .length(remaining: remaining - take) : .done
                return bytes
            case .chunked:
                let step: ChunkedBodyDecoder.Step
                do throws(ChunkedBodyError) {
                    step = try chunkedBody.next(in: buffer, readIndex: &readIndex, maxData: max)
                } catch {
                    throw Self.bodyError(error)
                }
                switch step {
                case .needMoreBytes:
                    try fill()
                case .data(let range):
                    delivered += range.count
                    return Array(buffer[range])
                case .done:
                    // Trailer fields were consumed and dropped, as the parser does (RFC 9112 §7.1.2).
                    phase = .done
                    return nil
                }
            }
        }
    }

    /// Chunked framing errors: 413 for a body past the streamed limit, else 400.
    private static func bodyError(_ error: ChunkedBodyError) -> RequestBodyError {
        switch error.kind {
        case .bodyTooLarge: return RequestBodyError(.tooLarge, error.detail)
        case .badChunk, .trailerSectionTooLarge: return RequestBodyError(.malformed, error.detail)
        }
    }

    /// Appends at least one byte from the connection, waiting up to the idle timeout.
    private mutating func fill() throws(RequestBodyError) {
        if readIndex > 0 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        if continuePending {
            continuePending = false
            do {
                try transport.writeAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), deadline: .after(seconds: writeTimeout))
            } catch {
                throw RequestBodyError(.clientDisconnected, "cannot send 100 Continue: \(error)")
            }
        }
        var deadline = Deadline.after(seconds: idleTimeout)
        if let drainDeadline, drainDeadline < deadline { deadline = drainDeadline }
        var rateDeadline: Deadline?
        if minimumRate > 0 {
            let earned = UInt64(wireBytes) * 1_000_000_000 / UInt64(minimumRate)
            let late = Deadline(nanoseconds: started.nanoseconds &+ UInt64(gracePeriod * 1e9) &+ earned)
            if late < deadline {
                deadline = late
                rateDeadline = late
            }
        }
        let chunkSize = 64 * 1024
        while true {
            let outcome: TransportReadResult
            do {
                outcome = try withUnsafeTemporaryAllocation(byteCount: chunkSize, alignment: 16) { scratch in
                    let outcome = try transport.read(into: scratch)
                    if case .bytes(let count) = outcome, count > 0 {
                        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
                    }
                    return outcome
                }
            } catch {
                throw RequestBodyError(.clientDisconnected, "reading the body failed after \(delivered) bytes: \(error)")
            }
            switch outcome {
            case .bytes(let count) where count > 0:
                wireBytes += count
                return
            case .bytes, .endOfStream:
                throw RequestBodyError(.clientDisconnected, "the client closed the connection after \(delivered) body bytes")
            case .wouldBlock(let readiness):
                let events = Int16(readiness == .readable ? POLLIN : POLLOUT)
                let ready: Bool
                do {
                    ready = try transport.socket.poll(events: events, deadline: deadline)
                } catch {
                    throw RequestBodyError(.clientDisconnected, "waiting for the body failed: \(error)")
                }
                guard ready else {
                    if rateDeadline == deadline {
                        throw RequestBodyError(.timedOut, "the body arrives slower than \(minimumRate) bytes per second "
                                                   + "(\(delivered) bytes so far)")
                    }
                    throw RequestBodyError(.timedOut, "no body bytes for \(idleTimeout) seconds after \(delivered) bytes")
                }
            }
        }
    }
}

import HTTPServer
import HypertableClient
import Support

/// One pooled connection and one open scanner, held for the life of a streamed response.
///
/// `release` closes the scanner (`scanner_close`) and gives the connection back to the pool,
/// once; `deinit` releases too, so a stream that the server never runs (a HEAD request, a client
/// gone before the head was written) still closes its scanner.
final class ScannerLease: Sendable {
    private let pool: ConnectionPool
    private let scanner: Int64
    private let connection: Locked<PooledConnection?>
    /// A `next_cells` was asked for ahead (`requestNextBatch`) and its batch not read yet.
    private let batchRequested = Locked(false)

    /// Scanners held open by streamed responses in this process (the `/metrics` gauge).
    static let openCount = Locked(0)

    init(pool: ConnectionPool, connection: PooledConnection, scanner: Int64) {
        self.pool = pool
        self.scanner = scanner
        self.connection = Locked(connection)
        Self.openCount.withLock { $0 += 1 }
    }

    deinit { release(broken: false) }

    /// Opens a scanner on a freshly borrowed connection; on failure nothing stays borrowed.
    static func open(pool: ConnectionPool, namespace: String,
                     _ open: (PooledConnection, Int64) throws -> Int64) throws -> ScannerLease {
        let connection = try pool.checkout()
        do {
            let scanner = try connection.withNamespace(namespace) { id in try open(connection, id) }
            return ScannerLease(pool: pool, connection: connection, scanner: scanner)
        } catch {
            pool.checkin(connection, broken: !ConnectionPool.leavesConnectionHealthy(error))
            throw error
        }
    }

    /// Adopts a scanner already opened on `connection` (an unbuffered `hql_exec`).
    static func adopt(pool: ConnectionPool, connection: PooledConnection, scanner: Int64) -> ScannerLease {
        ScannerLease(pool: pool, connection: connection, scanner: scanner)
    }

    /// The next batch (IDL `next_cells`); empty when the scanner is exhausted or released.
    func nextCells() throws -> [Cell] {
        // The connection is used by one thread at a time (the streaming worker); the lock only
        // guards the hand-back, so a call is never made on a connection already returned.
        guard let connection = connection.current else { return [] }
        return try connection.service.scannerNextCells(scanner)
    }

    /// `nextCells`, the batch left in the reply's bytes (what streaming writes out): the one
    /// `requestNextBatch` asked for, or asked for now.
    func nextCellSpans() throws -> CellSpans {
        guard let connection = connection.current else { return CellSpans(bytes: [], spans: []) }
        if batchRequested.withLock({ requested in defer { requested = false }; return requested }) {
            return try connection.service.scannerAwaitNextCells(scanner)
        }
        return try connection.service.scannerNextCellSpans(scanner)
    }

    /// Asks the broker for the next batch now; `nextCellSpans` reads it. Streaming asks before
    /// it writes the current batch to the client, so the broker reads while the client does.
    func requestNextBatch() throws {
        guard let connection = connection.current else { return }
        try connection.service.scannerRequestNextCells(scanner)
        batchRequested.withLock { $0 = true }
    }

    /// Closes the scanner and returns the connection (`broken` when the transport failed).
    /// Idempotent.
    func release(broken: Bool) {
        guard let borrowed = connection.withLock({ held -> PooledConnection? in
            defer { held = nil }
            return held
        }) else { return }
        Self.openCount.withLock { $0 -= 1 }
        if !broken {
            // A batch asked for and never read (the client left) is read and dropped by the
            // connection before it sends `scanner_close` (`HypertableConnection.send`).
            batchRequested.withLock { $0 = false }
            do {
                try borrowed.service.scannerClose(scanner)
            } catch is ClientException {
                // The broker no longer knows the scanner: nothing left to close.
            } catch {
                // The connection can no longer be trusted: discarded, and the pool says why.
                pool.checkin(borrowed, broken: true, because: error)
                return
            }
        }
        pool.checkin(borrowed, broken: broken)
    }
}

/// Streams a scanner's cells as a chunked response, one chunk per `next_cells` batch.
struct CellStreaming: Sendable {
    let handling: RouteHandling

    /// The response for `lease`. The first batch is read before the response starts, so a
    /// broker error there (a missing table or family, a bad scan, the broker gone or late)
    /// gets its own status (404, 400, 502, 504) and a problem body, and the lease is released.
    /// After the first byte the status is sent: a broker error then ends the body with the
    /// format's error record (see `CellOutputFormat`). A client that left closes the scanner
    /// and keeps the connection (the broker did nothing wrong).
    func response(_ lease: ScannerLease, format: CellOutputFormat, encoding: CellEncoding,
                  withResults: Bool = false, request: HTTPRequest) throws -> HTTPResponse {
        let firstBatch: CellSpans
        do {
            firstBatch = try lease.nextCellSpans()
        } catch {
            lease.release(broken: !ConnectionPool.leavesConnectionHealthy(error))
            throw error
        }
        let metrics = handling.metrics
        let instance = request.path
        let requestID = request.context.requestID
        let traceID = request.context.trace?.traceID
        var response = HTTPResponse(status: .ok, headers: ["Content-Type": format.contentType]) { writer in
            var encoder = CellBodyEncoder(format: format, encoding: encoding, withResults: withResults)
            encoder.begin()
            do {
                var failure: (any Error)?
                var cells = firstBatch
                while cells.count > 0 {
                    // Asked for before this batch is written: the broker reads the next one
                    // while the client takes this one.
                    let asked = Result { try lease.requestNextBatch() }
                    encoder.append(cells)
                    try writer.write(encoder.take())
                    do {
                        try asked.get()
                        cells = try lease.nextCellSpans()
                    } catch {
                        failure = error
                        break
                    }
                }
                if let failure {
                    lease.release(broken: !ConnectionPool.leavesConnectionHealthy(failure))
                    let problem = ErrorMapping.problem(for: failure)
                    metrics.recordBrokerError(problem.hypertableName ?? "STREAM_\(problem.status)")
                    encoder.fail(problem, instance: instance, requestID: requestID, traceID: traceID)
                } else {
                    lease.release(broken: false)
                    encoder.end()
                }
                try writer.write(encoder.take())
            } catch {
                // The client went away or stalled: stop reading, close the scanner.
                lease.release(broken: false)
                throw error
            }
        }
        // Compressing a stream adds latency per chunk for little gain on short batches;
        // the server's own `compressStreams` setting decides, as for any stream.
        response.allowsCompression = true
        return response
    }

    /// A complete (not streamed) body of `cells` in `format` (row reads).
    static func body(_ cells: [Cell], format: CellOutputFormat, encoding: CellEncoding) -> HTTPResponse {
        var encoder = CellBodyEncoder(format: format, encoding: encoding, capacity: 256 + cells.count * 96)
        encoder.begin()
        encoder.append(cells)
        encoder.end()
        return HTTPResponse(headers: ["Content-Type": format.contentType], body: encoder.finish())
    }
}

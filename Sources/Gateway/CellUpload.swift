import Foundation
import HTTPServer
import HypertableClient
import Logging

/// The body of `POST .../cells` written while it arrives: records from a `CellRecordReader`
/// become cells (`CellInput`), gathered into batches of `batchCells` cells or about
/// `batchBytes` bytes, each validated whole and then sent with one `mutator_set_cells`, whose
/// answer is read after the next batch is (the broker stores one while the gateway reads on).
///
/// Memory is bounded by two batches plus one record whatever the upload's size. Cells are written
/// in body order. Before the first body byte is read, the table's schema is fetched
/// (`get_schema`): a missing namespace or table is refused before the client is invited to
/// send the body (`100 Continue` goes out with the first read), and every cell's family is
/// checked against it, so a batch naming an unknown family is refused (404) before it is sent.
/// The first batch is read before a connection is borrowed for writing, so a body that fits
/// in one batch is checked whole first: one bad cell writes nothing.
///
/// The mutator is flushed (`mutator_flush`) every `flushCells` cells, before an input failure
/// is reported, and by its close, and `written` counts only flushed cells: when a later record
/// is bad, the body breaks off, or the broker fails (a 4xx from the broker, 502, 504), the
/// problem says how many of the body's first cells are stored. A flush per batch cost a round
/// trip per 4,096 cells (a fifth of the upload rate); one per `flushCells` bounds what a
/// broker failure can leave unconfirmed. The mutator is closed on every path.
struct CellUpload {
    static let batchCells = 4096
    static let batchBytes = 4 * 1024 * 1024
    /// Cells sent between two flushes (eight full batches).
    static let flushCells = 8 * batchCells
    /// One line or array element; the reader refuses longer ones.
    static let maxRecordBytes = 8 * 1024 * 1024
    /// Counted per cell on top of its JSON text, for the batch's byte budget.
    private static let cellOverhead = 64

    let pool: ConnectionPool
    let namespace: String
    let table: String
    let encoding: CellEncoding
    let logger: Logger

    /// One batch, and the input failure that ended it early (the batch then is not sent).
    private struct Batch {
        var cells: [Cell] = []
        var failure: Problem?
    }

    /// What happened inside the borrowed connection; input failures are carried out as values
    /// so that they do not mark the broker connection broken.
    private enum Outcome {
        case written(Int)
        case inputFailed(Problem)
    }

    /// The families of the table, from the broker; throws its error (404 for a missing
    /// namespace or table). Call before the first read of the body.
    func families() throws -> Set<String> {
        let schema = try pool.withConnection { connection in
            try connection.withNamespace(namespace) { try connection.service.getSchema($0, table) }
        }
        return Set(schema.columnFamilies.values.filter { !$0.deleted }.map(\.name))
    }

    /// Writes every cell; returns how many. `families` (from `families()`) are those the
    /// table has. Throws a `Problem` with `written` for bad input, a broken body or a broker
    /// failure while writing.
    func run(_ reader: inout CellRecordReader, families: Set<String>) throws -> Int {
        let first = nextBatch(&reader, families: families)
        if let failure = first.failure { throw Self.withWritten(failure, 0) }
        if first.cells.isEmpty { return 0 }
        var written = 0
        let outcome: Outcome
        do {
            outcome = try pool.withConnection { connection in
                try write(startingWith: first.cells, from: &reader, families: families, on: connection,
                          written: &written)
            }
        } catch {
            // The pool has seen the error (and discarded a broken connection); the client
            // learns how much of its body is stored before it retries.
            throw Self.withWritten(ErrorMapping.problem(for: error), written)
        }
        switch outcome {
        case .written(let count): return count
        case .inputFailed(let problem): throw problem
        }
    }

    private func write(startingWith first: [Cell], from reader: inout CellRecordReader, families: Set<String>,
                       on connection: PooledConnection, written: inout Int) throws -> Outcome {
        let service = connection.service
        // Only the open may be retried on a stale namespace id: it has done nothing yet.
        let mutator = try connection.withNamespace(namespace) { id in
            try service.mutatorOpen(id, table, flags: 0, flushInterval: 0)
        }
        var outcome = Outcome.written(0)
        // Sent but not yet flushed: stored for sure only once the broker confirms a flush.
        var pending = 0
        func flush() throws {
            try service.mutatorFlush(mutator)
            written += pending
            pending = 0
        }
        do {
            var cells = first
            while !cells.isEmpty {
                // Sent ahead: the next batch is read and checked while the broker stores this
                // one; its answer is read before anything else is sent or reported, so a broker
                // failure still comes before a later record's.
                try service.mutatorRequestSetCells(mutator, cells: cells)
                let batch = nextBatch(&reader, families: families)
                try service.mutatorAwaitSetCells(mutator)
                pending += cells.count
                if pending >= Self.flushCells { try flush() }
                if let failure = batch.failure {
                    if pending > 0 { try flush() }
                    outcome = .inputFailed(Self.withWritten(failure, written))
                    break
                }
                cells = batch.cells
            }
        } catch {
            // The write failed: still close the mutator, unless the transport is gone (the
            // pool then discards the connection, and the broker frees its ids with it).
            if ConnectionPool.leavesConnectionHealthy(error) {
                do {
                    try service.mutatorClose(mutator)
                } catch let closeError {
                    // The upload's own error is what the client hears; this one only explains
                    // a mutator the broker may still hold until the connection goes.
                    logger.notice("closing the mutator of a failed upload failed", metadata: [
                        "table": "\(table)", "error": "\(closeError)", "upload_error": "\(error)"])
                }
            }
            throw error
        }
        // Closing flushes what is left; only then is it written.
        try service.mutatorClose(mutator)
        written += pending
        if case .written = outcome { outcome = .written(written) }
        return outcome
    }

    /// Reads and validates up to one batch; an empty batch without failure: the body ended.
    private func nextBatch(_ reader: inout CellRecordReader, families: Set<String>) -> Batch {
        var batch = Batch()
        var bytes = 0
        do {
            while batch.cells.count < Self.batchCells && bytes < Self.batchBytes, let record = try reader.next() {
                let cell = try CellInput.cell(record: record.json, encoding: encoding, position: record.position)
                let family = cell.key.columnFamily
                // A row delete names no family; any other cell must name one the table has.
                if !family.isEmpty && !families.contains(family) {
                    throw ErrorMapping.problem(for: ClientException(
                        .columnFamilyNotFound, "\(record.position): column family '\(family)' is not in table '\(table)'"))
                }
                batch.cells.append(cell)
                bytes += record.json.count + Self.cellOverhead
            }
        } catch let problem as Problem {
            batch.failure = problem
        } catch let error as RequestBodyError {
            batch.failure = Problem(status: error.status.code, title: error.status.reasonPhrase,
                                    detail: "the request body: \(error.detail)")
        } catch {
            batch.failure = Problem.badRequest("the request body could not be read: \(error)")
        }
        return batch
    }

    private static func withWritten(_ problem: Problem, _ written: Int) -> Problem {
        var problem = problem
        problem.extraIntegers.append(("written", written))
        return problem
    }
}

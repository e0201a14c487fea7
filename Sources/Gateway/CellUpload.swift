import Foundation
import HTTPServer
import HypertableClient

/// The body of `POST .../cells` written while it arrives: records from a `CellRecordReader`
/// become cells (`CellInput`), gathered into batches of `batchCells` cells or about
/// `batchBytes` bytes, each validated whole and then sent with one `mutator_set_cells`.
///
/// Memory is bounded by one batch plus one record whatever the upload's size. Cells are written
/// in body order. The first batch is read before a broker connection is borrowed, so a body
/// that fits in one batch is checked whole first: one bad cell writes nothing. When a later
/// record is bad (or the body breaks off), the batches already sent are flushed and the problem
/// says how many cells were written (`written`: always the first cells of the body).
/// The mutator is closed on every path.
struct CellUpload {
    static let batchCells = 4096
    static let batchBytes = 4 * 1024 * 1024
    /// One line or array element; the reader refuses longer ones.
    static let maxRecordBytes = 8 * 1024 * 1024
    /// Counted per cell on top of its JSON text, for the batch's byte budget.
    private static let cellOverhead = 64

    let pool: ConnectionPool
    let namespace: String
    let table: String
    let encoding: CellEncoding

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

    /// Writes every cell; returns how many. Throws a `Problem` (with `written`) for bad input
    /// or a broken body, or the broker's error.
    func run(_ reader: inout CellRecordReader) throws -> Int {
        let first = nextBatch(&reader)
        if let failure = first.failure { throw Self.withWritten(failure, 0) }
        if first.cells.isEmpty { return 0 }
        let outcome = try pool.withConnection { connection in
            try write(startingWith: first.cells, from: &reader, on: connection)
        }
        switch outcome {
        case .written(let count): return count
        case .inputFailed(let problem): throw problem
        }
    }

    private func write(startingWith first: [Cell], from reader: inout CellRecordReader,
                       on connection: PooledConnection) throws -> Outcome {
        let service = connection.service
        // Only the open may be retried on a stale namespace id: it has done nothing yet.
        let mutator = try connection.withNamespace(namespace) { id in
            try service.mutatorOpen(id, table, flags: 0, flushInterval: 0)
        }
        var written = 0
        var outcome = Outcome.written(0)
        do {
            var cells = first
            while !cells.isEmpty {
                try service.mutatorSetCells(mutator, cells: cells)
                written += cells.count
                let batch = nextBatch(&reader)
                if let failure = batch.failure {
                    outcome = .inputFailed(Self.withWritten(failure, written))
                    break
                }
                cells = batch.cells
            }
            // Flushed on failed input too: `written` promises those cells are stored.
            try service.mutatorFlush(mutator)
        } catch {
            // The write failed: still close the mutator, unless the transport is gone (the
            // pool then discards the connection, and the broker frees its ids with it).
            if ConnectionPool.leavesConnectionHealthy(error) { try? service.mutatorClose(mutator) }
            throw error
        }
        try service.mutatorClose(mutator)
        if case .written = outcome { outcome = .written(written) }
        return outcome
    }

    /// Reads and validates up to one batch; an empty batch without failure: the body ended.
    private func nextBatch(_ reader: inout CellRecordReader) -> Batch {
        var batch = Batch()
        var bytes = 0
        do {
            while batch.cells.count < Self.batchCells && bytes < Self.batchBytes, let record = try reader.next() {
                let object = try CellInput.parse(record.json, what: record.position)
                batch.cells.append(try CellInput.cell(object, encoding: encoding, position: record.position))
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

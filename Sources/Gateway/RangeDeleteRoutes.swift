import HTTPServer
import HypertableClient
import Logging

/// `DELETE /ns/{ns}/tables/{table}/cells?start_row=a&end_row=m&columns=cf&start_time=..&end_time=..`:
/// deletes every cell the same query would read from `GET .../cells` (the parameters are the
/// scan's, `ScanParameters`), in one request, and answers `{"deleted": N}` (the cells the scan
/// saw). At least one of the row, column, time or regexp selectors is required: an empty
/// selection would empty the table (drop it instead).
///
/// One connection runs a keys-only scanner and a mutator side by side: each `next_cells`
/// batch becomes one `mutator_set_cells` of delete keys, so memory stays one batch whatever
/// the range. Without a time range or `revisions` a cell is deleted whole (DELETE_CELL: every
/// version up to now, which is also how a COUNTER cell, read as one sum, goes away);
/// otherwise each version seen is deleted (DELETE_CELL_VERSION) and others stay.
/// Cells written after the scan passed them are not deleted. When the broker fails part-way,
/// the problem's `deleted` says how many cells went before (`PartialRangeDelete`).
struct RangeDeleteRoutes: Sendable {
    let pool: ConnectionPool
    let handling: RouteHandling

    func register(in router: inout HTTPRouter) {
        router.delete("/ns/{ns...}/tables/{table}/cells") { request, parameters in
            handling.respond(request) {
                let (namespace, table) = try names(parameters)
                let scan = try ScanParameters(query: request.queryItems)
                var spec = scan.spec
                guard !spec.rowIntervals.isEmpty || !spec.columns.isEmpty || spec.startTime != nil
                        || spec.endTime != nil || spec.rowRegexp != nil || spec.valueRegexp != nil else {
                    throw Problem.badRequest("say what to delete: start_row, end_row, row_prefix, columns, start_time, "
                                             + "end_time, row_regexp or value_regexp (to delete everything, drop the table)")
                }
                guard !spec.returnDeletes, !spec.keysOnly else {
                    throw Problem.badRequest("keys_only and return_deletes do not apply to a delete")
                }
                let wholeCells = spec.startTime == nil && spec.endTime == nil && spec.versions == 0
                // Values are not needed, except to match value_regexp on the broker.
                spec.keysOnly = spec.valueRegexp == nil
                let deleted = try pool.withConnection { connection in
                    try connection.withNamespace(namespace) { id in
                        try Self.delete(connection.service, id, table, spec: spec, wholeCells: wholeCells,
                                        logger: handling.logger)
                    }
                }
                var json = JSONWriter()
                json.beginObject()
                json.field("deleted", deleted)
                json.endObject()
                return jsonResponse(json)
            }
        }
    }

    static func delete(_ service: any HypertableService, _ namespace: Int64, _ table: String,
                       spec: ScanSpec, wholeCells: Bool, logger: Logger) throws -> Int {
        // Cleanup after a failure: the failure is what the client hears; a close that fails
        // too is logged (the broker frees what is left with the connection).
        func cleanUp(_ what: String, _ close: () throws -> Void) {
            do {
                try close()
            } catch {
                logger.notice("range delete: closing the \(what) after a failure failed", metadata: [
                    "table": "\(table)", "error": "\(error)"])
            }
        }
        let scanner = try service.scannerOpen(namespace, table, scanSpec: spec)
        var scannerOpen = true
        defer { if scannerOpen { cleanUp("scanner") { try service.scannerClose(scanner) } } }
        let mutator = try service.mutatorOpen(namespace, table, flags: 0, flushInterval: 0)
        var mutatorOpen = true
        defer { if mutatorOpen { cleanUp("mutator") { try service.mutatorClose(mutator) } } }
        var count = 0
        do {
            while true {
                let cells = try service.scannerNextCells(scanner)
                if cells.isEmpty { break }
                try service.mutatorSetCells(mutator, cells: cells.map { cell in
                    Cell(key: Key(row: cell.key.row, columnFamily: cell.key.columnFamily,
                                  columnQualifier: cell.key.columnQualifier,
                                  timestamp: wholeCells ? nil : cell.key.timestamp,
                                  flag: wholeCells ? .deleteCell : .deleteCellVersion))
                })
                count += cells.count
            }
            try service.mutatorFlush(mutator)
        } catch let failure as ClientException {
            // The broker answered, so the connection is in step: what it accepted is flushed
            // and counted, as a failed upload says what it wrote.
            do {
                try service.mutatorFlush(mutator)
            } catch {
                logger.notice("range delete: flushing what was deleted before a broker error failed", metadata: [
                    "table": "\(table)", "error": "\(error)", "first_error": "\(failure)"])
                throw failure
            }
            throw PartialRangeDelete(failure: failure, deleted: count)
        }
        mutatorOpen = false
        try service.mutatorClose(mutator)
        scannerOpen = false
        try service.scannerClose(scanner)
        return count
    }
}

/// A range delete the broker stopped part-way: the cells of the batches it accepted before
/// `failure` are deleted (flushed) and `deleted` says how many. `ErrorMapping` answers the
/// broker's problem with a `deleted` member.
struct PartialRangeDelete: Error, ConnectionPreservingError {
    var failure: ClientException
    var deleted: Int
}

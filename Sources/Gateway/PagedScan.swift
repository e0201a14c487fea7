import Foundation
import HTTPServer
import HypertableClient

/// Stateless paging of scans (`?limit=N` on the cells route, `?page_size=N` on the query
/// route): a page answers at most N cells and, when more remain, a signed cursor
/// (`PageCursor`, `CursorSigner`) in a `Link: <…?cursor=…>; rel="next"` header (RFC 8288
/// §3) and in the body (`"next"` in JSON, a last NDJSON record `{"next": …}`). The gateway
/// keeps nothing between pages: any gateway sharing the key continues any cursor.
///
/// A page after the first scans from the last returned row, inclusive (a SELECT runs its
/// statement again), and drops every cell up to and including the cursor's key in
/// `ScanKeyOrder`. So the concatenated pages hold each cell once, in order, with no gap even
/// when cells are written between pages: a cell written after the cursor's key appears on a
/// later page, one written before it does not. A page is read whole before it is answered
/// (the `Link` header comes first), so its memory is bounded by the page size.
struct PagedScan: Sendable {
    /// The largest `limit` / `page_size`.
    static let maxPageSize = 10_000
    /// A page ends early (with a cursor) once its cells' bytes pass this, so that a page of
    /// large values stays bounded in memory whatever its size in cells.
    static let maxPageBytes = 8 * 1024 * 1024

    let signer: CursorSigner

    /// Seconds since the epoch, the clock cursors are issued and expire by.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// `limit` / `page_size`: 1 to `maxPageSize`.
    static func pageSize(_ item: QueryItem) throws -> Int {
        guard let size = Int(item.value), (1...maxPageSize).contains(size) else {
            throw Problem.badRequest("\(item.name) must be an integer from 1 to \(maxPageSize), not \"\(item.value)\"")
        }
        return size
    }

    /// The cursor in `?cursor=`, verified; it must be the request's only parameter, since
    /// the cursor carries the scan's own.
    func cursor(in items: [QueryItem]) throws -> PageCursor? {
        guard let item = items.first(where: { $0.name == "cursor" }) else { return nil }
        guard items.count == 1 else {
            throw Problem.badRequest("a cursor carries its scan's parameters: send ?cursor= alone (found "
                                     + items.map(\.name).joined(separator: ", ") + ")")
        }
        return try signer.cursor(from: item.text(), now: Self.now())
    }

    /// Where a page after the first starts: the scan's row intervals cut to begin at `row`,
    /// inclusive (the last row returned may hold more cells after the cursor's key).
    static func resumed(_ intervals: [RowInterval], at row: Bytes) -> [RowInterval] {
        guard !intervals.isEmpty else { return [RowInterval(startRow: row, startInclusive: true)] }
        var out: [RowInterval] = []
        for var interval in intervals {
            if let end = interval.endRow {
                let c = ScanKeyOrder.compareBytes(end, row)
                if c < 0 || (c == 0 && !interval.endInclusive) { continue }
            }
            if let start = interval.startRow, ScanKeyOrder.compareBytes(start, row) > 0 {
                out.append(interval)
                continue
            }
            interval.startRow = row
            interval.startInclusive = true
            out.append(interval)
        }
        return out
    }

    /// A page read from a scanner.
    struct Page {
        var cells: [Cell] = []
        /// Whether an admissible cell follows the page.
        var more = false
        var cellsReturned: Int64
        var rowsReturned: Int64
    }

    /// Reads one page from `next` (a scanner's `next_cells`): cells after `after` in `order`,
    /// at most `pageSize` (fewer when they pass `maxPageBytes`), stopping at
    /// `rowLimit`/`cellLimit` (0: none) counted across pages from the cursor's totals; then
    /// looks for one more cell to tell whether more remain.
    static func readPage(pageSize: Int, after: Key?, order: ScanKeyOrder?, rowLimit: Int64, cellLimit: Int64,
                         cellsReturned: Int64, rowsReturned: Int64,
                         next: () throws -> [Cell]) throws -> Page {
        var page = Page(cellsReturned: cellsReturned, rowsReturned: rowsReturned)
        page.cells.reserveCapacity(min(pageSize, 1024))
        var skipping = after != nil
        var currentRow = after?.row
        var bytes = 0
        while true {
            let batch = try next()
            if batch.isEmpty { return page }
            for cell in batch {
                if skipping, let after, let order {
                    if !order.isAfter(cell.key, after) { continue }
                    // The scanner's order is the key order: every later cell is after too.
                    skipping = false
                }
                if cellLimit > 0 && page.cellsReturned >= cellLimit { return page }
                let newRow = currentRow != cell.key.row
                if newRow && rowLimit > 0 && page.rowsReturned >= rowLimit { return page }
                if page.cells.count == pageSize || bytes >= maxPageBytes {
                    page.more = true
                    return page
                }
                bytes += cell.key.row.count + cell.key.columnQualifier.count + (cell.value?.count ?? 0)
                page.cells.append(cell)
                page.cellsReturned += 1
                if newRow {
                    page.rowsReturned += 1
                    currentRow = cell.key.row
                }
            }
        }
    }

    /// Reads a page from `lease` and releases it on every path.
    static func readPage(from lease: ScannerLease, pageSize: Int, after: Key?, order: ScanKeyOrder?,
                         rowLimit: Int64, cellLimit: Int64, cellsReturned: Int64, rowsReturned: Int64) throws -> Page {
        let page: Page
        do {
            page = try readPage(pageSize: pageSize, after: after, order: order, rowLimit: rowLimit, cellLimit: cellLimit,
                                cellsReturned: cellsReturned, rowsReturned: rowsReturned) { try lease.nextCells() }
        } catch {
            lease.release(broken: !ConnectionPool.leavesConnectionHealthy(error))
            throw error
        }
        lease.release(broken: false)
        return page
    }

    /// The response for `page`: the cursor (when more remain) in the `Link` header and the
    /// body; `base` is the cursor's fields but the progress and the last key.
    func response(_ page: Page, cursor base: PageCursor, format: CellOutputFormat, encoding: CellEncoding,
                  withResults: Bool, request: HTTPRequest) throws -> HTTPResponse {
        var token: String?
        if page.more, let last = page.cells.last {
            var cursor = base
            cursor.issuedAt = Self.now()
            cursor.cellsReturned = page.cellsReturned
            cursor.rowsReturned = page.rowsReturned
            cursor.lastKey = Key(row: last.key.row, columnFamily: last.key.columnFamily,
                                 columnQualifier: last.key.columnQualifier,
                                 timestamp: last.key.timestamp, revision: last.key.revision)
            token = try signer.token(for: cursor)
        }
        var encoder = CellBodyEncoder(format: format, encoding: encoding, withResults: withResults,
                                      capacity: 256 + page.cells.count * 96)
        encoder.begin()
        encoder.append(page.cells)
        encoder.end(next: token)
        var headers: HTTPHeaders = ["Content-Type": format.contentType]
        if let token {
            // A base64url token needs no percent-encoding in a query (RFC 3986 §2.3).
            headers.add("Link", "<\(request.path)?cursor=\(token)>; rel=\"next\"")
        }
        return HTTPResponse(status: .ok, headers: headers, body: encoder.take())
    }
}

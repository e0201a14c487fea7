import HTTPServer
import HypertableClient

/// What a page cursor continues: the scan's parameters, so that every page runs the scan the
/// first page ran whatever the request that carries the cursor says.
enum PagedScanKind: Sendable, Hashable {
    /// `GET /ns/{ns}/tables/{table}/cells`: its query parameters except `limit` (read again
    /// by `ScanParameters` on every page).
    case cells(parameters: [QueryItem])
    /// A SELECT on the query route (parameters already bound) and whether `encoding=base64`.
    case select(hql: String, forceBase64: Bool)
}

/// The state of a paged scan between two pages, carried by the client as an opaque token
/// (`CursorSigner`): where the scan stands (the last key returned), what it is (namespace,
/// table, parameters, page size) and how much of a `row_limit`/`cell_limit` it has used.
///
/// Wire form, version 1 (every integer big-endian; `bytes16`/`bytes32` are a length of that
/// many bits, then the bytes):
///
/// ```
/// u8 version (1) | i64 issued_at (seconds since the epoch) | u8 kind (1 cells, 2 select)
/// bytes16 namespace | bytes16 table | u32 page_size | i64 cells_returned | i64 rows_returned
/// kind 1: u16 count, then count × (bytes16 name, bytes16 value)
/// kind 2: bytes32 hql | u8 force_base64
/// bytes32 row | bytes16 column_family | bytes32 column_qualifier | i64 timestamp | i64 revision
/// ```
struct PageCursor: Sendable, Hashable {
    static let version: UInt8 = 1

    var issuedAt: Int64
    var namespace: String
    var table: String
    var kind: PagedScanKind
    var pageSize: Int
    /// Cells and distinct rows returned by the pages before, for a `row_limit`/`cell_limit`
    /// that spans every page.
    var cellsReturned: Int64
    var rowsReturned: Int64
    /// The last cell returned: the next page returns only cells after it in scan order.
    var lastKey: Key

    func encoded() -> [UInt8] {
        var out: [UInt8] = [Self.version]
        out.appendInteger(issuedAt)
        switch kind {
        case .cells: out.append(1)
        case .select: out.append(2)
        }
        out.appendBytes16(Array(namespace.utf8))
        out.appendBytes16(Array(table.utf8))
        out.appendInteger(UInt32(clamping: pageSize))
        out.appendInteger(cellsReturned)
        out.appendInteger(rowsReturned)
        switch kind {
        case .cells(let parameters):
            out.appendInteger(UInt16(clamping: parameters.count))
            for item in parameters.prefix(Int(UInt16.max)) {
                out.appendBytes16(item.nameBytes)
                out.appendBytes16(item.valueBytes)
            }
        case .select(let hql, let forceBase64):
            out.appendBytes32(Array(hql.utf8))
            out.append(forceBase64 ? 1 : 0)
        }
        out.appendBytes32(lastKey.row)
        out.appendBytes16(Array(lastKey.columnFamily.utf8))
        out.appendBytes32(lastKey.columnQualifier)
        out.appendInteger(lastKey.timestamp ?? 0)
        out.appendInteger(lastKey.revision ?? 0)
        return out
    }

    /// Reads the wire form; nil when it is not exactly one version-1 cursor.
    static func decode(_ bytes: [UInt8]) -> PageCursor? {
        var reader = CursorReader(bytes: bytes)
        guard let version: UInt8 = reader.integer(), version == Self.version,
              let issuedAt: Int64 = reader.integer(),
              let kindCode: UInt8 = reader.integer(),
              let namespace = reader.text16(), let table = reader.text16(),
              let pageSize: UInt32 = reader.integer(),
              let cellsReturned: Int64 = reader.integer(), let rowsReturned: Int64 = reader.integer() else { return nil }
        let kind: PagedScanKind
        switch kindCode {
        case 1:
            guard let count: UInt16 = reader.integer() else { return nil }
            var parameters: [QueryItem] = []
            for _ in 0..<count {
                guard let name = reader.bytes16(), let value = reader.bytes16() else { return nil }
                parameters.append(QueryItem(nameBytes: name, valueBytes: value))
            }
            kind = .cells(parameters: parameters)
        case 2:
            guard let hql = reader.bytes32().flatMap({ String(validating: $0, as: UTF8.self) }),
                  let flag: UInt8 = reader.integer(), flag <= 1 else { return nil }
            kind = .select(hql: hql, forceBase64: flag == 1)
        default:
            return nil
        }
        guard let row = reader.bytes32(), let family = reader.text16(), let qualifier = reader.bytes32(),
              let timestamp: Int64 = reader.integer(), let revision: Int64 = reader.integer(),
              reader.isAtEnd else { return nil }
        return PageCursor(issuedAt: issuedAt, namespace: namespace, table: table, kind: kind,
                          pageSize: Int(pageSize), cellsReturned: cellsReturned, rowsReturned: rowsReturned,
                          lastKey: Key(row: row, columnFamily: family, columnQualifier: qualifier,
                                       timestamp: timestamp, revision: revision))
    }
}

/// Why a cursor was refused (`ErrorMapping` makes each a 400 problem).
enum CursorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a cursor, or its signature does not match (tampered with, cut short, or signed with
    /// another `GATEWAY_CURSOR_KEY`).
    case invalid
    /// Older than `GATEWAY_CURSOR_LIFETIME`.
    case expired(ageSeconds: Int64, lifetimeSeconds: Int64)
    /// Signed by a gateway of this deployment, but for another namespace, table or route.
    case foreign(expected: String, found: String)
    /// The page's cursor would be longer than `CursorSigner.maxTokenLength` (a very long row
    /// key or statement).
    case tooLarge(length: Int)

    var description: String {
        switch self {
        case .invalid:
            return "the cursor is not valid: it was changed, cut short, or signed by a gateway with another GATEWAY_CURSOR_KEY"
        case .expired(let age, let lifetime):
            return "the cursor expired: it was issued \(age) s ago and lives \(lifetime) s; start the scan again"
        case .foreign(let expected, let found):
            return "the cursor belongs to \(found), not to \(expected)"
        case .tooLarge(let length):
            return "this page's cursor would be \(length) characters, more than the \(CursorSigner.maxTokenLength) a cursor may have "
                + "(the page ends in a very long row key, or the statement is long); read without paging, or page with another limit"
        }
    }
}

/// Signs and verifies page cursors: `base64url(payload) "." base64url(HMAC-SHA256(key, payload))`
/// (RFC 4648 §5 alphabet, no padding; RFC 2104 HMAC). Every gateway of a deployment that
/// shares `GATEWAY_CURSOR_KEY` accepts the others' cursors.
struct CursorSigner: Sendable {
    /// A cursor rides in a URL (the `Link` target and `?cursor=`), and the server refuses a
    /// request line over 8 KiB: this leaves room for the path.
    static let maxTokenLength = 6000

    let key: [UInt8]
    let lifetimeSeconds: Int64

    func token(for cursor: PageCursor) throws(CursorError) -> String {
        let payload = cursor.encoded()
        // The base64url length is known before anything is encoded.
        let length = (payload.count * 4 + 2) / 3 + 1 + (HMACSHA256.macLength * 4 + 2) / 3
        guard length <= Self.maxTokenLength else { throw .tooLarge(length: length) }
        return Base64URL.encode(payload) + "." + Base64URL.encode(HMACSHA256.mac(key: key, message: payload))
    }

    /// The cursor in `token`, verified (signature in constant time, then expiry) at `now`
    /// (seconds since the epoch).
    func cursor(from token: String, now: Int64) throws(CursorError) -> PageCursor {
        let utf8 = Array(token.utf8)
        guard utf8.count <= Self.maxTokenLength, let dot = utf8.firstIndex(of: UInt8(ascii: ".")),
              let payload = Base64URL.decode(utf8[..<dot]),
              let mac = Base64URL.decode(utf8[(dot + 1)...]),
              SHA256.constantTimeEqual(mac, HMACSHA256.mac(key: key, message: payload)),
              let cursor = PageCursor.decode(payload) else {
            throw .invalid
        }
        let age = now - cursor.issuedAt
        guard age <= lifetimeSeconds else { throw .expired(ageSeconds: age, lifetimeSeconds: lifetimeSeconds) }
        return cursor
    }
}

private struct CursorReader {
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func integer<T: FixedWidthInteger>() -> T? {
        let size = MemoryLayout<T>.size
        guard bytes.count - offset >= size else { return nil }
        var value: T = 0
        for byte in bytes[offset..<offset + size] { value = value << 8 | T(truncatingIfNeeded: byte) }
        offset += size
        return value
    }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func bytes16() -> [UInt8]? {
        guard let count: UInt16 = integer() else { return nil }
        return take(Int(count))
    }

    mutating func bytes32() -> [UInt8]? {
        guard let count: UInt32 = integer() else { return nil }
        return take(Int(count))
    }

    mutating func text16() -> String? {
        bytes16().flatMap { String(validating: $0, as: UTF8.self) }
    }
}

extension [UInt8] {
    fileprivate mutating func appendInteger<T: FixedWidthInteger>(_ value: T) {
        let size = MemoryLayout<T>.size
        for shift in stride(from: (size - 1) * 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> T(shift)))
        }
    }

    /// Lengths are bounded well below 2^16 by the token's own limit, which `token(for:)`
    /// checks; a longer field is cut, and the cursor is refused as too large anyway.
    fileprivate mutating func appendBytes16(_ bytes: [UInt8]) {
        let count = Swift.min(bytes.count, Int(UInt16.max))
        appendInteger(UInt16(count))
        append(contentsOf: bytes.prefix(count))
    }

    fileprivate mutating func appendBytes32(_ bytes: [UInt8]) {
        appendInteger(UInt32(clamping: bytes.count))
        append(contentsOf: bytes.prefix(Int(UInt32.max)))
    }
}

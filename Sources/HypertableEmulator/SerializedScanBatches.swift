import HypertableClient

extension EmulatedBroker {
    /// One `next_cells_serialized` (or, with `oneRow`, `next_row_serialized`) buffer, cut as
    /// ThriftBroker.cc cuts it: cells go into a `SerializedCellsWriter` of
    /// `nextCellsThreshold` bytes until one does not fit (it is given back to the scanner,
    /// the buffer ends EOB), or, for a row, until the row changes; when the scan runs out the
    /// buffer ends EOB|EOS. A first cell larger than the buffer still goes in alone.
    func serializedBatch(_ cursor: inout ScanCursor, oneRow: Bool) throws(ClientException) -> Bytes {
        let threshold = nextCellsThreshold
        let result: Result<Bytes, ClientException> = state.withLock { s in
            Self.flushDueSharedMutators(&s)
            let now = Self.now(s)
            var writer = SerializedCellsWriter()
            var capacity = threshold
            var row: Bytes?
            while true {
                guard let cell = cursor.next(byteBudget: 1, oneRow: false, now: now).first else {
                    return .success(writer.finalize(.endOfScan))
                }
                if oneRow {
                    if let row, row != cell.key.row {
                        cursor.ungetLast()
                        return .success(writer.finalize())
                    }
                    row = cell.key.row
                } else {
                    let needed = writer.reservedSize(of: cell)
                    if writer.isEmpty {
                        capacity = max(capacity, needed)
                    } else if needed > capacity - writer.bytes.count {
                        cursor.ungetLast()
                        return .success(writer.finalize())
                    }
                }
                do throws(ClientException) { try writer.add(cell) } catch { return .failure(error) }
            }
        }
        return try result.get()
    }
}

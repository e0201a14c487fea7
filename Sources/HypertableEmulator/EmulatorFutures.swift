import HypertableClient

// Futures (`future_*`) and the async scanners and mutators that feed them, as Hypertable's
// `Future`, `TableScannerAsync` and `TableMutatorAsync` behave behind ThriftBroker.
//
// The emulator has no range servers to wait for, so a future is fed synchronously: an async
// scanner queues batches while the future has room (`Future::enqueue` blocks a producer when
// the future is full), and every result taken off the queue lets it queue more. So whenever
// something is outstanding, something is queued, and `future_get_result` never has to wait:
// its timeout cannot expire.

/// One future: its queue of results, bounded by `capacity` bytes of cell data
/// (`Future::has_remaining_capacity`; 0 would mean unbounded).
struct FutureState {
    var capacity: Int
    var queue: [QueuedResult] = []
    var memoryUsed = 0
    var cancelled = false
    /// The async scanners registered with it, in the order they were opened.
    var scanners: [Int64] = []

    var hasRemainingCapacity: Bool { capacity == 0 || memoryUsed < capacity }
}

/// A queued result and the memory it counts (`Result::memory_used`: the cells' data; an
/// update result holds none).
struct QueuedResult {
    var result: FutureResult<[Cell]>
    var memory: Int
}

struct AsyncScanner {
    var future: Int64
    var cursor: ScanCursor
    var cancelled = false
    /// Its last batch (the one with `eos`) is queued.
    var finished = false

    var isOutstanding: Bool { !cancelled && !finished }
}

struct AsyncMutator {
    var future: Int64
    var namespace: String
    var table: String
    var flags: Int32
    /// Cells were set since the last flush: the next flush reports to the future.
    var unflushed = false
    var cancelled = false

    var ignoresUnknownFamilies: Bool { flags & EmulatorSession.ignoreUnknownColumnFamilies != 0 }
}

extension EmulatorSession {
    /// `ThriftBroker.Future.Capacity`: what `future_open` uses for a capacity <= 0.
    public static let defaultFutureCapacity: Int32 = 50 * 1024 * 1024

    static func badFuture(_ id: Int64) -> ClientException {
        ClientException(.thriftBrokerBadFutureID, "Invalid future id: \(id)")
    }

    static func badScanner(_ id: Int64) -> ClientException {
        ClientException(.thriftBrokerBadScannerID, "Invalid scanner id: \(id)")
    }

    static func badMutator(_ id: Int64) -> ClientException {
        ClientException(.thriftBrokerBadMutatorID, "Invalid mutator id: \(id)")
    }

    // MARK: futures

    public func futureOpen(capacity: Int32) throws -> Int64 {
        state.withLock { s in
            let id = Self.newID(in: s.futures)
            s.futures[id] = FutureState(capacity: Int(capacity <= 0 ? Self.defaultFutureCapacity : capacity))
            return id
        }
    }

    /// `Future::cancel`: drops every queued result and cancels every scanner and mutator
    /// registered with it; from then on `future_get_result` answers an empty result.
    public func futureCancel(_ future: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard s.futures[future] != nil else { throw Self.badFuture(future) }
            Self.cancel(future, &s)
        }
    }

    public func futureGetResult(_ future: Int64, timeoutMilliseconds: Int32) throws -> FutureResult<[Cell]> {
        try locked { (s) throws(ClientException) in
            guard let f = s.futures[future] else { throw Self.badFuture(future) }
            if f.cancelled { return .empty }
            produce(future, &s)
            while let next = s.futures[future]?.queue.first {
                s.futures[future]?.queue.removeFirst()
                s.futures[future]?.memoryUsed -= next.memory
                produce(future, &s)
                // `Future::get` skips results of a scanner cancelled (or, here, closed) since
                // they were queued, and of a mutator that is still open but cancelled.
                if next.result.isScan {
                    guard let scanner = s.asyncScanners[next.result.id], !scanner.cancelled else { continue }
                } else if s.asyncMutators[next.result.id]?.cancelled == true {
                    continue
                }
                return next.result
            }
            return .empty
        }
    }

    public func futureIsEmpty(_ future: Int64) throws -> Bool {
        try withFuture(future) { $0.queue.isEmpty }
    }

    public func futureIsFull(_ future: Int64) throws -> Bool {
        try withFuture(future) { !$0.hasRemainingCapacity }
    }

    public func futureIsCancelled(_ future: Int64) throws -> Bool {
        try withFuture(future) { $0.cancelled }
    }

    public func futureHasOutstanding(_ future: Int64) throws -> Bool {
        try locked { (s) throws(ClientException) in
            guard let f = s.futures[future] else { throw Self.badFuture(future) }
            return f.scanners.contains { s.asyncScanners[$0]?.isOutstanding ?? false }
        }
    }

    /// Frees the future; its destructor cancels what is registered with it. The scanners'
    /// and mutators' ids stay valid until they are closed.
    public func futureClose(_ future: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard s.futures[future] != nil else { throw Self.badFuture(future) }
            Self.cancel(future, &s)
            s.futures[future] = nil
        }
    }

    private func withFuture<T>(_ future: Int64, _ body: (FutureState) -> T) throws(ClientException) -> T {
        try locked { (s) throws(ClientException) in
            guard let f = s.futures[future] else { throw Self.badFuture(future) }
            return body(f)
        }
    }

    private static func cancel(_ future: Int64, _ s: inout State) {
        guard var f = s.futures[future] else { return }
        f.cancelled = true
        f.queue = []
        f.memoryUsed = 0
        for id in f.scanners { s.asyncScanners[id]?.cancelled = true }
        for (id, mutator) in s.asyncMutators where mutator.future == future { s.asyncMutators[id]?.cancelled = true }
        s.futures[future] = f
    }

    /// Lets the future's scanners queue batches while it has room (`Future::enqueue`).
    /// A scanner's last batch may be empty: it carries the end of the scan.
    private func produce(_ future: Int64, _ s: inout State) {
        while let f = s.futures[future], !f.cancelled, f.hasRemainingCapacity,
              let id = f.scanners.first(where: { s.asyncScanners[$0]?.isOutstanding ?? false }),
              var scanner = s.asyncScanners[id] {
            let cells = broker.advance(&scanner.cursor, oneRow: false)
            scanner.finished = cells.isEmpty || scanner.cursor.isDone
            s.asyncScanners[id] = scanner
            let memory = cells.reduce(0) { $0 + ScanCursor.size(of: $1) }
            s.futures[future]?.queue.append(QueuedResult(
                result: FutureResult(isEmpty: false, id: id, isScan: true, isError: false, cells: cells), memory: memory))
            s.futures[future]?.memoryUsed += memory
        }
    }

    /// The future a new scanner or mutator registers with: BAD_FUTURE_ID, or CANCELLED for a
    /// cancelled one (`Future::register_scanner` / `register_mutator`).
    private static func registrableFuture(_ future: Int64, _ what: String, _ s: State) throws(ClientException) {
        guard let f = s.futures[future] else { throw badFuture(future) }
        if f.cancelled {
            throw ClientException(.cancelled, "Attempt to register \(what) with cancelled future \(future)")
        }
    }

    // MARK: async scanners

    /// Checks in `_open_scanner_async`'s order: namespace, table, future, scan spec.
    public func asyncScannerOpen(_ namespace: Int64, _ table: String, future: Int64, scanSpec: ScanSpec) throws -> Int64 {
        let path = try namespacePath(namespace)
        _ = try broker.schema(path, table)
        try locked { (s) throws(ClientException) in try Self.registrableFuture(future, "scanner", s) }
        let cursor = try scan(path, table, scanSpec)
        return try locked { (s) throws(ClientException) in
            try Self.registrableFuture(future, "scanner", s)
            let id = Self.newID(in: s.asyncScanners)
            s.asyncScanners[id] = AsyncScanner(future: future, cursor: cursor)
            s.futures[future]?.scanners.append(id)
            produce(future, &s)
            return id
        }
    }

    public func asyncScannerCancel(_ scanner: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard s.asyncScanners[scanner] != nil else { throw Self.badScanner(scanner) }
            s.asyncScanners[scanner]?.cancelled = true
        }
    }

    public func asyncScannerClose(_ scanner: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard let closed = s.asyncScanners.removeValue(forKey: scanner) else { throw Self.badScanner(scanner) }
            s.futures[closed.future]?.scanners.removeAll { $0 == scanner }
        }
    }

    // MARK: async mutators

    public func asyncMutatorOpen(_ namespace: Int64, _ table: String, future: Int64, flags: Int32) throws -> Int64 {
        let path = try namespacePath(namespace)
        _ = try broker.schema(path, table)
        return try locked { (s) throws(ClientException) in
            try Self.registrableFuture(future, "mutator", s)
            let id = Self.newID(in: s.asyncMutators)
            s.asyncMutators[id] = AsyncMutator(future: future, namespace: path, table: table, flags: flags)
            return id
        }
    }

    /// Cells are checked and applied at once (BAD_KEY comes back from this call, as from
    /// `TableMutatorAsync::set_cells`); the flush then only reports to the future.
    public func asyncMutatorSetCells(_ mutator: Int64, cells: [Cell]) throws {
        let m = try locked { (s) throws(ClientException) in
            guard let m = s.asyncMutators[mutator] else { throw Self.badMutator(mutator) }
            return m
        }
        try broker.write(m.namespace, m.table, cells: cells, ignoreUnknownFamilies: m.ignoresUnknownFamilies)
        state.withLock { $0.asyncMutators[mutator]?.unflushed = true }
    }

    /// A flush of buffered cells queues an update result (`Future::update_ok`: is_scan
    /// false, the mutator's id, no cells); a flush with nothing buffered sends nothing.
    public func asyncMutatorFlush(_ mutator: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard let m = s.asyncMutators[mutator] else { throw Self.badMutator(mutator) }
            Self.flush(mutator, m, &s)
        }
    }

    public func asyncMutatorCancel(_ mutator: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard s.asyncMutators[mutator] != nil else { throw Self.badMutator(mutator) }
            s.asyncMutators[mutator]?.cancelled = true
        }
    }

    /// `async_mutator_close`: flush, then free the id.
    public func asyncMutatorClose(_ mutator: Int64) throws {
        try locked { (s) throws(ClientException) in
            guard let m = s.asyncMutators.removeValue(forKey: mutator) else { throw Self.badMutator(mutator) }
            Self.flush(mutator, m, &s)
        }
    }

    private static func flush(_ id: Int64, _ mutator: AsyncMutator, _ s: inout State) {
        if s.asyncMutators[id] != nil { s.asyncMutators[id]?.unflushed = false }
        guard mutator.unflushed, !mutator.cancelled, let f = s.futures[mutator.future], !f.cancelled else { return }
        s.futures[mutator.future]?.queue.append(QueuedResult(
            result: FutureResult(isEmpty: false, id: id, isScan: false, isError: false), memory: 0))
    }
}

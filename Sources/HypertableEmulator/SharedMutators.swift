import HypertableClient

/// Which shared mutator a `shared_mutator_*` call means: ThriftBroker's SharedMutatorMapKey
/// compares the namespace, the table name as given, and all three MutateSpec fields, so two
/// specs that differ only in flush interval get two mutators.
struct SharedMutatorKey: Hashable {
    var namespace: String
    var table: String
    var appName: String
    var flushInterval: Int32
    var flags: Int32
}

/// One broker-wide shared mutator: cells offered and not yet flushed. Like the
/// `TableMutator` ThriftBroker keeps, it holds its table (a rename does not detach it) and
/// writes only when it flushes: every `MutateSpec.flush_interval` milliseconds, or when
/// `shared_mutator_refresh` replaces it.
struct SharedMutatorBuffer {
    let table: TableState
    let flushIntervalNanoseconds: Int64
    let ignoresUnknownFamilies: Bool
    var cells: [Cell] = []
    var lastFlush: Int64
}

extension EmulatedBroker {
    /// `shared_mutator_refresh`: the old mutator (if any) is destroyed, which flushes it,
    /// then a new one is made; TABLE_NOT_FOUND after the old one is gone, as in ThriftBroker.
    func refreshSharedMutator(_ key: SharedMutatorKey) throws(ClientException) {
        try locked { (s) throws(ClientException) in
            Self.flushDueSharedMutators(&s)
            if let old = s.sharedMutators.removeValue(forKey: key) {
                Self.flush(old, &s)
            }
            _ = try Self.sharedMutator(key, &s)
        }
    }

    /// `shared_mutator_set_cells`: checks every cell as `TableMutator::set_cells` does
    /// (BAD_KEY, unknown families dropped with IGNORE_UNKNOWN_CFS, the MutateSpec default),
    /// then buffers them until the mutator's next flush.
    func offerToSharedMutator(_ key: SharedMutatorKey, cells: [Cell]) throws(ClientException) {
        try locked { (s) throws(ClientException) in
            Self.flushDueSharedMutators(&s)
            var mutator = try Self.sharedMutator(key, &s)
            for cell in cells {
                if try Self.validate(cell, schema: mutator.table.schema,
                                     ignoreUnknownFamilies: mutator.ignoresUnknownFamilies) != nil {
                    mutator.cells.append(cell)
                }
            }
            s.sharedMutators[key] = mutator
        }
    }

    /// The mutator for `key`, made (with its table looked up) when there is none.
    private static func sharedMutator(_ key: SharedMutatorKey, _ s: inout State) throws(ClientException) -> SharedMutatorBuffer {
        if let existing = s.sharedMutators[key] { return existing }
        let table = try table(s, key.namespace, key.table)
        let mutator = SharedMutatorBuffer(
            table: table, flushIntervalNanoseconds: Int64(max(0, key.flushInterval)) * 1_000_000,
            ignoresUnknownFamilies: key.flags & EmulatorSession.ignoreUnknownColumnFamilies != 0, lastFlush: now(s))
        s.sharedMutators[key] = mutator
        return mutator
    }

    /// Flushes every shared mutator whose interval has passed. Called before anything reads
    /// or writes cells, so a reader sees exactly what a timer firing on time would have
    /// written. An interval of 0 means no periodic flush (`TableMutator`'s flush_interval).
    static func flushDueSharedMutators(_ s: inout State) {
        guard !s.sharedMutators.isEmpty else { return }
        let now = now(s)
        for (key, mutator) in s.sharedMutators where mutator.flushIntervalNanoseconds > 0
            && now - mutator.lastFlush >= mutator.flushIntervalNanoseconds {
            var flushed = mutator
            flush(mutator, &s)
            flushed.cells = []
            // Flushes fall on the interval's grid, as a periodic timer's would.
            flushed.lastFlush += (now - mutator.lastFlush) / mutator.flushIntervalNanoseconds * mutator.flushIntervalNanoseconds
            s.sharedMutators[key] = flushed
        }
    }

    /// Writes a mutator's buffered cells. A periodic flush has no caller to report to:
    /// a cell the table no longer accepts (its family dropped since) is skipped, as
    /// ThriftBroker only logs a failed background flush.
    private static func flush(_ mutator: SharedMutatorBuffer, _ s: inout State) {
        for cell in mutator.cells {
            try? apply([cell], to: mutator.table, state: &s, ignoreUnknownFamilies: mutator.ignoresUnknownFamilies)
        }
    }
}

/// The namespaces one connection has open: name -> id, bounded, least recently used first out.
///
/// Namespace ids are handles of the broker's per-client handler, so a cache belongs to exactly
/// one connection and is used by one borrower at a time (no lock of its own). Every id it
/// forgets while the connection lives is closed on the broker (`namespace_close`), so a
/// long-lived connection does not pile up open namespaces there, which flask-hypertable did.
public struct NamespaceCache: Sendable {
    /// Default bound on open namespaces per connection.
    public static let defaultCapacity = 256

    private struct Entry: Sendable {
        var id: Int64
        var lastUse: UInt64
    }

    private var entries: [String: Entry] = [:] {
        // Indices of the entries as they were; the next lookup hashes again.
        didSet { last = nil }
    }
    private var clock: UInt64 = 0
    /// The name looked up last and where its entry is: a connection serves one namespace
    /// request after request, and comparing the name costs less than hashing it.
    private var last: (name: String, index: Dictionary<String, Entry>.Index)?

    /// Most namespaces kept; at least 1.
    public let capacity: Int

    public init(capacity: Int = NamespaceCache.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Cached names, least recently used first.
    public var names: [String] {
        entries.sorted { $0.value.lastUse < $1.value.lastUse }.map(\.key)
    }

    /// The cached id for `name`, marking it most recently used.
    public mutating func lookup(_ name: String) -> Int64? {
        // One hash of the name, the entry updated in place: a read and a write by key hashed
        // it twice on every request.
        let index: Dictionary<String, Entry>.Index
        if let last, last.name == name {
            index = last.index
        } else {
            guard let found = entries.index(forKey: name) else { return nil }
            index = found
        }
        clock &+= 1
        entries.values[index].lastUse = clock
        last = (name, index)
        return entries.values[index].id
    }

    /// The cached id for `name` without touching its recency.
    public func peek(_ name: String) -> Int64? { entries[name]?.id }

    /// Caches `id` for `name`. Returns what the caller must close on the broker: the id that
    /// `name` had before (if different) and, when over capacity, the least recently used entry.
    @discardableResult
    public mutating func insert(_ name: String, id: Int64) -> [(name: String, id: Int64)] {
        var displaced: [(name: String, id: Int64)] = []
        clock &+= 1
        if let old = entries.updateValue(Entry(id: id, lastUse: clock), forKey: name), old.id != id {
            displaced.append((name, old.id))
        }
        while entries.count > capacity,
              let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries[oldest.key] = nil
            displaced.append((oldest.key, oldest.value.id))
        }
        return displaced
    }

    /// Forgets `name` without closing it (for an id the broker no longer knows); returns its id.
    @discardableResult
    public mutating func remove(_ name: String) -> Int64? {
        entries.removeValue(forKey: name)?.id
    }

    /// Forgets every entry without closing any (for a connection whose transport is gone).
    public mutating func removeAll() {
        entries.removeAll()
    }

    /// Closes every cached namespace on `service` (`namespace_close`) and empties the cache.
    ///
    /// A `ClientException` (say, an id the broker already forgot) is ignored: the namespace is
    /// gone either way. Any other error is a transport failure: the remaining ids cannot be
    /// closed over this connection, so it stops and rethrows; the broker frees them when the
    /// connection closes.
    public mutating func closeAll(on service: any HypertableService) throws {
        let ids = entries.sorted { $0.value.lastUse < $1.value.lastUse }.map(\.value.id)
        entries.removeAll()
        for id in ids {
            do {
                try service.namespaceClose(id)
            } catch is ClientException {
                continue
            }
        }
    }
}

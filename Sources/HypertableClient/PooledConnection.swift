/// One broker connection lent out by a `ConnectionPool`, with the namespaces it has open.
///
/// A pooled connection has exactly one borrower at a time: the pool hands it out under its
/// lock and takes it back under its lock, so its namespace cache needs no lock of its own.
/// It is `Sendable` so that a streaming handler may keep it across chunks written from
/// different Dispatch queues; it must never be used by two threads at once.
public final class PooledConnection: @unchecked Sendable {
    /// The connection's calls, for anything not tied to a namespace name
    /// (`status()`, scanner and mutator calls, ...).
    public let service: any HypertableService
    /// A number unique within its pool, for logs and statistics.
    public let id: UInt64
    /// The namespaces open on this connection. Unchecked exclusivity: one borrower at a time
    /// (above), and a dynamic check on every request's lookup cost more than the lookup.
    @exclusivity(unchecked) public private(set) var namespaces: NamespaceCache

    /// When the connection went back to the idle list, on the monotonic clock.
    var idleSince: UInt64 = 0
    /// Whether its pool has it lent out; read and written only under the pool's lock.
    var isBorrowed = false

    init(service: any HypertableService, id: UInt64, namespaceCacheCapacity: Int) {
        self.service = service
        self.id = id
        self.namespaces = NamespaceCache(capacity: namespaceCacheCapacity)
    }

    /// The id of namespace `name` on this connection: opened (`namespace_open`) on first use,
    /// then reused. Opening one namespace too many closes the least recently used one.
    public func namespace(_ name: String) throws -> Int64 {
        if let id = namespaces.lookup(name) { return id }
        let id = try service.namespaceOpen(name)
        for displaced in namespaces.insert(name, id: id) {
            try closeIgnoringClientException(displaced.id)
        }
        return id
    }

    /// Runs `body` with the id of namespace `name`. When the broker answers
    /// THRIFTBROKER_BAD_NAMESPACE_ID (0x00090003: it no longer knows the cached id, e.g. after
    /// its per-client handler was freed), the id is dropped, the namespace reopened once and
    /// `body` run once more; a second BAD_NAMESPACE_ID is thrown to the caller.
    ///
    /// `body` may therefore run twice: it must not have done anything on the broker that a
    /// second run would repeat before it reached the failing call (a single call, or reads).
    public func withNamespace<T>(_ name: String, _ body: (Int64) throws -> T) throws -> T {
        let id = try namespace(name)
        do {
            return try body(id)
        } catch let error as ClientException where error.code == HypertableErrorCode.thriftBrokerBadNamespaceID.rawValue {
            forgetNamespace(name, ifID: id)
        }
        let reopened = try namespace(name)
        do {
            return try body(reopened)
        } catch let error as ClientException where error.code == HypertableErrorCode.thriftBrokerBadNamespaceID.rawValue {
            forgetNamespace(name, ifID: reopened)
            throw error
        }
    }

    /// Closes namespace `name` on the broker if this connection has it open, and forgets it
    /// (before the namespace is dropped, say). A `ClientException` from the close is ignored.
    public func closeNamespace(_ name: String) throws {
        guard let id = namespaces.remove(name) else { return }
        try closeIgnoringClientException(id)
    }

    /// Closes every namespace this connection has open; transport errors are rethrown.
    /// The pool calls this before it closes the connection.
    public func closeAllNamespaces() throws {
        try namespaces.closeAll(on: service)
    }

    /// Forgets every cached id without talking to the broker (the transport is gone).
    func forgetAllNamespaces() {
        namespaces.removeAll()
    }

    private func forgetNamespace(_ name: String, ifID id: Int64) {
        if namespaces.peek(name) == id { namespaces.remove(name) }
    }

    private func closeIgnoringClientException(_ id: Int64) throws {
        do {
            try service.namespaceClose(id)
        } catch is ClientException {
            // Already unknown to the broker: nothing left to close.
        }
    }
}

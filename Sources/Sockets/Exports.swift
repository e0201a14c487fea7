/// The primitives every layer shares (locks, deadlines, per-thread shards) live in `Support`;
/// code that imports `Sockets` for them keeps working.
@_exported import Support

import HypertableClient
@testable import HypertableEmulator
import XCTest

/// Shared mutators (SharedMutators.swift): broker-wide, written at their flush interval. The
/// broker's clock is moved forward instead of sleeping.
final class SharedMutatorTests: XCTestCase {
    func testCellsAreWrittenAtTheFlushIntervalAndSeenByEverySession() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        let spec = MutateSpec(appName: "app", flushInterval: 1000, flags: 0)
        try f.session.sharedMutatorSetCells(f.ns, "t", spec: spec, cells: [cell("r1", "a", "", "v1", timestamp: 1)])
        try f.session.sharedMutatorSetCells(f.ns, "t", spec: spec, cells: [cell("r2", "a", "", "v2", timestamp: 1)])
        XCTAssertEqual(try f.lines("SELECT * FROM t"), [])
        f.broker.advanceClock(nanoseconds: 900_000_000)
        XCTAssertEqual(try f.lines("SELECT * FROM t"), [])
        f.broker.advanceClock(nanoseconds: 100_000_000)
        let other = f.broker.makeSession()
        defer { other.close() }
        let ns = try other.namespaceOpen("test")
        XCTAssertEqual(try other.getCells(ns, "t", scanSpec: ScanSpec()).map(Fixture.line), ["r1\ta\tv1", "r2\ta\tv2"])

        // The next flush comes one interval after the last, not after the next offer.
        f.broker.advanceClock(nanoseconds: 500_000_000)
        try other.sharedMutatorSetCells(ns, "t", spec: spec, cells: [cell("r3", "a", "", "v3", timestamp: 1)])
        XCTAssertEqual(try f.lines("SELECT * FROM t").count, 2)
        f.broker.advanceClock(nanoseconds: 500_000_000)
        XCTAssertEqual(try f.lines("SELECT * FROM t").count, 3, "the same mutator, offered to from another session")
    }

    func testTheWholeMutateSpecNamesTheMutator() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        let lazy = MutateSpec(appName: "app", flushInterval: 0, flags: 0)
        let quick = MutateSpec(appName: "app", flushInterval: 10, flags: 0)
        try f.session.sharedMutatorSetCells(f.ns, "t", spec: lazy, cells: [cell("lazy", "a", "", "v", timestamp: 1)])
        try f.session.sharedMutatorSetCells(f.ns, "t", spec: quick, cells: [cell("quick", "a", "", "v", timestamp: 1)])
        f.broker.advanceClock(nanoseconds: 3_600_000_000_000)
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["quick\ta\tv"], "interval 0: no periodic flush")
        try f.session.sharedMutatorRefresh(f.ns, "t", spec: lazy)
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["lazy\ta\tv", "quick\ta\tv"], "a refresh flushes the old mutator")
    }

    func testCellsAreCheckedWhenOffered() throws {
        let f = try Fixture()
        try f.hql("CREATE TABLE t (a)")
        assertClientError(.badKey) {
            try f.session.sharedMutatorSetCells(f.ns, "t", spec: MutateSpec(appName: "x", flushInterval: 0, flags: 0),
                                                cells: [cell("r", "zz", "", "v")])
        }
        // MutateSpec's default flags are IGNORE_UNKNOWN_CFS.
        try f.session.sharedMutatorSetCells(f.ns, "t", spec: MutateSpec(appName: "x", flushInterval: 1),
                                            cells: [cell("r", "zz", "", "dropped"), cell("r", "a", "", "kept", timestamp: 1)])
        f.broker.advanceClock(nanoseconds: 1_000_000)
        XCTAssertEqual(try f.lines("SELECT * FROM t"), ["r\ta\tkept"])
        assertClientError(.tableNotFound) { try f.session.sharedMutatorRefresh(f.ns, "nope", spec: MutateSpec()) }
    }
}

import HypertableClient
@testable import HypertableEmulator
import XCTest

/// Futures fed by async scanners and mutators (EmulatorFutures.swift).
final class FutureTests: XCTestCase {
    /// A broker whose batches hold about one 100-byte cell each.
    private func fixture() throws -> Fixture {
        let f = try Fixture(broker: EmulatedBroker(nextCellsThreshold: 100))
        try f.hql("CREATE TABLE t (a, b)")
        try f.session.setCells(f.ns, "t", cells: (0..<4).map { cell("r\($0)", "a", "", String(repeating: "\($0)", count: 100), timestamp: 1) })
        return f
    }

    private func rows(_ result: FutureResult<[Cell]>) -> [String] {
        (result.cells ?? []).map { String(decoding: $0.key.row, as: UTF8.self) }
    }

    func testAScannersBatchesArriveInOrderThenTheFutureIsDone() throws {
        let f = try fixture()
        let future = try f.session.futureOpen(capacity: 0)
        XCTAssertEqual(try f.session.futureGetResult(future, timeoutMilliseconds: 0), .empty)
        let scanner = try f.session.asyncScannerOpen(f.ns, "t", future: future, scanSpec: ScanSpec())
        var seen: [String] = []
        var results = 0
        while true {
            let result = try f.session.futureGetResult(future, timeoutMilliseconds: 100)
            if result.isEmpty { break }
            XCTAssertEqual([result.id, result.isScan ? 1 : 0, result.isError ? 1 : 0], [scanner, 1, 0])
            seen += rows(result)
            results += 1
        }
        XCTAssertEqual(seen, ["r0", "r1", "r2", "r3"])
        XCTAssertGreaterThanOrEqual(results, 4, "one cell per 100-byte batch")
        XCTAssertFalse(try f.session.futureHasOutstanding(future))
    }

    func testCapacityHoldsTheScannerBack() throws {
        let f = try fixture()
        let future = try f.session.futureOpen(capacity: 1)
        _ = try f.session.asyncScannerOpen(f.ns, "t", future: future, scanSpec: ScanSpec())
        XCTAssertTrue(try f.session.futureIsFull(future))
        XCTAssertTrue(try f.session.futureHasOutstanding(future))
        XCTAssertFalse(try f.session.futureIsEmpty(future))
        XCTAssertEqual(rows(try f.session.futureGetResult(future, timeoutMilliseconds: 0)), ["r0"])
        XCTAssertTrue(try f.session.futureIsFull(future), "taking a result lets the scanner queue the next")
        XCTAssertEqual(rows(try f.session.futureGetResult(future, timeoutMilliseconds: 0)), ["r1"])
    }

    func testCancellingDropsResultsAndRefusesNewScannersAndMutators() throws {
        let f = try fixture()
        let future = try f.session.futureOpen(capacity: 0)
        let scanner = try f.session.asyncScannerOpen(f.ns, "t", future: future, scanSpec: ScanSpec())
        try f.session.asyncScannerCancel(scanner)
        XCTAssertEqual(try f.session.futureGetResult(future, timeoutMilliseconds: 0), .empty, "a cancelled scanner's results are skipped")

        let other = try f.session.asyncScannerOpen(f.ns, "t", future: future, scanSpec: ScanSpec())
        try f.session.futureCancel(future)
        XCTAssertTrue(try f.session.futureIsCancelled(future))
        XCTAssertTrue(try f.session.futureIsEmpty(future))
        XCTAssertFalse(try f.session.futureHasOutstanding(future))
        XCTAssertEqual(try f.session.futureGetResult(future, timeoutMilliseconds: 0), .empty)
        assertClientError(.cancelled) { _ = try f.session.asyncScannerOpen(f.ns, "t", future: future, scanSpec: ScanSpec()) }
        assertClientError(.cancelled) { _ = try f.session.asyncMutatorOpen(f.ns, "t", future: future, flags: 0) }
        try f.session.asyncScannerClose(other)
        assertClientError(.thriftBrokerBadScannerID) { try f.session.asyncScannerClose(other) }
    }

    func testAClosedScannersQueuedResultsAreDropped() throws {
        let f = try fixture()
        let future = try f.session.futureOpen(capacity: 0)
        let scanner = try f.session.asyncScannerOpen(f.ns, "t", future: future, scanSpec: ScanSpec())
        try f.session.asyncScannerClose(scanner)
        XCTAssertFalse(try f.session.futureIsEmpty(future))
        XCTAssertEqual(try f.session.futureGetResult(future, timeoutMilliseconds: 0), .empty)
    }

    func testAsyncMutatorFlushesReportUpdates() throws {
        let f = try fixture()
        let future = try f.session.futureOpen(capacity: 0)
        let mutator = try f.session.asyncMutatorOpen(f.ns, "t", future: future, flags: 0)
        try f.session.asyncMutatorSetCells(mutator, cells: [cell("m", "b", "", "x", timestamp: 1)])
        XCTAssertEqual(try f.lines("SELECT b FROM t"), ["m\tb\tx"], "cells are applied as they are set")
        XCTAssertTrue(try f.session.futureIsEmpty(future))
        try f.session.asyncMutatorFlush(mutator)
        XCTAssertEqual(try f.session.futureGetResult(future, timeoutMilliseconds: 0),
                       FutureResult(isEmpty: false, id: mutator, isScan: false, isError: false))
        try f.session.asyncMutatorFlush(mutator)
        XCTAssertTrue(try f.session.futureIsEmpty(future), "nothing new, nothing reported")
        assertClientError(.badKey) { try f.session.asyncMutatorSetCells(mutator, cells: [cell("m", "zz", "", "x")]) }

        try f.session.asyncMutatorSetCells(mutator, cells: [cell("n", "b", "", "y")])
        try f.session.asyncMutatorFlush(mutator)
        try f.session.asyncMutatorCancel(mutator)
        XCTAssertEqual(try f.session.futureGetResult(future, timeoutMilliseconds: 0), .empty,
                       "results of a mutator cancelled since are skipped")
        try f.session.asyncMutatorSetCells(mutator, cells: [cell("o", "b", "", "z")])
        try f.session.asyncMutatorClose(mutator)
        XCTAssertTrue(try f.session.futureIsEmpty(future), "a cancelled mutator's close reports nothing")
        assertClientError(.thriftBrokerBadMutatorID) { try f.session.asyncMutatorFlush(mutator) }
    }

    func testBadFutureIDs() throws {
        let f = try fixture()
        assertClientError(.thriftBrokerBadFutureID) { _ = try f.session.futureGetResult(42, timeoutMilliseconds: 0) }
        assertClientError(.thriftBrokerBadFutureID) { _ = try f.session.asyncScannerOpen(f.ns, "t", future: 42, scanSpec: ScanSpec()) }
        assertClientError(.tableNotFound) { _ = try f.session.asyncScannerOpen(f.ns, "nope", future: 42, scanSpec: ScanSpec()) }
        let future = try f.session.futureOpen(capacity: 0)
        try f.session.futureClose(future)
        assertClientError(.thriftBrokerBadFutureID) { try f.session.futureClose(future) }
    }
}

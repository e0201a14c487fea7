import Foundation
import BrokerTestKit
import HypertableClient
import Support
import TestSupport
import XCTest

/// Runs a closure on its own thread; `join` waits for it (bounded, so a bug cannot hang CI).
final class PoolTestThread<Result: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Locked<Result?>(nil)

    init(_ body: @escaping @Sendable () -> Result) {
        let thread = Thread { [result, done] in
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        thread.start()
    }

    /// The closure's result, or nil if it did not finish within `seconds`.
    func join(seconds: Double = 20) -> Result? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return result.current
    }
}

/// Borrowing and returning: sizing, overflow, waiting, errors, per-request mode.
final class PoolBorrowingTests: XCTestCase {
    private func config(size: Int, overflow: Int, timeout: Int = 5000) -> PoolConfiguration {
        PoolConfiguration(size: size, maxOverflow: overflow, waitTimeoutMilliseconds: timeout)
    }

    func testIdleConnectionsAreKeptUpToSize() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 2, overflow: 2))
        let borrowed = try (0..<4).map { _ in try pool.checkout() }
        for connection in borrowed { pool.checkin(connection) }

        let stats = pool.statistics
        XCTAssertEqual(stats.idle, 2)
        XCTAssertEqual(stats.inUse, 0)
        XCTAssertEqual(factory.createdCount, 4)
        XCTAssertEqual(factory.closedCount, 2)
        XCTAssertEqual(factory.openCount, 2)
    }

    func testReturnedConnectionIsReused() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 2, overflow: 0))
        let first = try pool.withConnection { $0.id }
        let second = try pool.withConnection { $0.id }
        XCTAssertEqual(first, second)
        XCTAssertEqual(factory.createdCount, 1)
    }

    func testOverflowIsCreatedWhenBusyAndClosedOnReturn() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 1, overflow: 1))
        let kept = try pool.checkout()
        let overflow = try pool.checkout()
        XCTAssertEqual(pool.statistics.overflowInUse, 1)
        XCTAssertEqual(factory.createdCount, 2)

        pool.checkin(overflow)
        XCTAssertEqual(factory.closedCount, 1)
        XCTAssertEqual(pool.statistics.idle, 0)
        XCTAssertEqual(pool.statistics.overflowInUse, 0)

        pool.checkin(kept)
        XCTAssertEqual(factory.closedCount, 1)
        XCTAssertEqual(pool.statistics.idle, 1)
    }

    func testReturningToAFullPoolClosesTheConnectionWithoutError() throws {
        // flask-hypertable crashed here (`is_active` on an overflow connection).
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 1, overflow: 3))
        let all = try (0..<4).map { _ in try pool.checkout() }
        for connection in all.reversed() { pool.checkin(connection) }
        XCTAssertEqual(pool.statistics.idle, 1)
        XCTAssertEqual(factory.closedCount, 3)
        XCTAssertEqual(pool.statistics.open, 1)
    }

    func testNoConnectionBeyondSizePlusOverflow() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 1, overflow: 1, timeout: 0))
        let held = try (0..<2).map { _ in try pool.checkout() }
        XCTAssertThrowsError(try pool.checkout()) { error in
            guard case .waitTimeout? = error as? ConnectionPoolError else {
                return XCTFail("expected waitTimeout, got \(error)")
            }
        }
        XCTAssertEqual(factory.createdCount, 2)
        for connection in held { pool.checkin(connection) }
    }

    func testWaitingBorrowerGetsTheReturnedConnection() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 1, overflow: 0, timeout: 20_000))
        let held = try pool.checkout()
        let waiter = PoolTestThread { () -> UInt64? in
            guard let connection = try? pool.checkout() else { return nil }
            defer { pool.checkin(connection) }
            return connection.id
        }
        XCTAssertTrue(eventually { pool.statistics.waiting == 1 })
        pool.checkin(held)

        XCTAssertEqual(waiter.join(), .some(held.id))
        XCTAssertEqual(factory.createdCount, 1)
        XCTAssertEqual(pool.statistics.waiting, 0)
    }

    func testWaitersAreServedFirstComeFirstServed() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 1, overflow: 0, timeout: 20_000))
        let order = Locked<[String]>([])
        let held = try pool.checkout()
        var waiters: [PoolTestThread<Bool>] = []
        for name in ["first", "second", "third"] {
            let expectedWaiting = waiters.count + 1
            waiters.append(PoolTestThread {
                guard let connection = try? pool.checkout() else { return false }
                order.withLock { $0.append(name) }
                pool.checkin(connection)
                return true
            })
            XCTAssertTrue(eventually { pool.statistics.waiting == expectedWaiting })
        }
        pool.checkin(held)
        for waiter in waiters { XCTAssertEqual(waiter.join(), true) }
        XCTAssertEqual(order.current, ["first", "second", "third"])
    }

    func testWaitTimeoutThrowsTypedError() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 1, overflow: 0, timeout: 30))
        let held = try pool.checkout()
        XCTAssertThrowsError(try pool.checkout()) { error in
            guard case let .waitTimeout(_, inUse, _)? = error as? ConnectionPoolError else {
                return XCTFail("expected waitTimeout, got \(error)")
            }
            XCTAssertEqual(inUse, 1)
        }
        let stats = pool.statistics
        XCTAssertEqual(stats.waitTimeouts, 1)
        XCTAssertEqual(stats.waiting, 0)
        pool.checkin(held)
        XCTAssertNoThrow(try pool.withConnection { _ in })
    }

    func testPerRequestModeOpensAndClosesEachTime() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 0, overflow: 0))
        XCTAssertTrue(pool.configuration.isPerRequest)
        for _ in 0..<3 {
            try pool.withConnection { connection in
                _ = try connection.namespace("test")
            }
        }
        XCTAssertEqual(factory.createdCount, 3)
        XCTAssertEqual(factory.closedCount, 3)
        XCTAssertEqual(pool.statistics.idle, 0)
        XCTAssertEqual(pool.statistics.open, 0)
        for service in factory.services {
            XCTAssertEqual(service.callLog.suffix(2).first?.hasPrefix("namespaceClose("), true)
            XCTAssertEqual(service.callLog.last, "close")
            XCTAssertTrue(service.openNamespaces.isEmpty)
        }
    }

    func testPerRequestModeIsUnboundedWithoutOverflow() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 0, overflow: 0, timeout: 0))
        let held = try (0..<20).map { _ in try pool.checkout() }
        XCTAssertEqual(factory.openCount, 20)
        for connection in held { pool.checkin(connection) }
        XCTAssertEqual(factory.openCount, 0)
    }

    func testPerRequestModeIsBoundedByOverflow() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 0, overflow: 2, timeout: 0))
        let held = try (0..<2).map { _ in try pool.checkout() }
        XCTAssertThrowsError(try pool.checkout())
        for connection in held { pool.checkin(connection) }
        XCTAssertEqual(factory.openCount, 0)
    }

    func testTransportErrorDiscardsTheConnection() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 2, overflow: 0))
        var brokenID: UInt64 = 0
        XCTAssertThrowsError(try pool.withConnection { connection in
            brokenID = connection.id
            _ = try connection.namespace("test")
            (connection.service as? FakeHypertableService)?.failNextCallWithTransportError()
            _ = try connection.service.status()
        }) { error in
            XCTAssertTrue(error is BrokerCallError, "\(error)")
        }
        let stats = pool.statistics
        XCTAssertEqual(stats.idle, 0)
        XCTAssertEqual(stats.totalDiscarded, 1)
        XCTAssertEqual(factory.closedCount, 1)
        // A broken transport is not used again, not even to close namespaces.
        XCTAssertEqual(factory.services[0].callCount("namespaceClose"), 0)

        let nextID = try pool.withConnection { $0.id }
        XCTAssertNotEqual(nextID, brokenID)
        XCTAssertEqual(factory.createdCount, 2)
    }

    func testClientExceptionKeepsTheConnection() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 2, overflow: 0))
        var firstID: UInt64 = 0
        XCTAssertThrowsError(try pool.withConnection { connection in
            firstID = connection.id
            (connection.service as? FakeHypertableService)?.failNextCall(with: .tableNotFound)
            _ = try connection.service.status()
        }) { error in
            XCTAssertEqual((error as? ClientException)?.code, HypertableErrorCode.tableNotFound.rawValue)
        }
        XCTAssertEqual(pool.statistics.idle, 1)
        XCTAssertEqual(pool.statistics.totalDiscarded, 0)
        XCTAssertEqual(factory.closedCount, 0)
        XCTAssertEqual(try pool.withConnection { $0.id }, firstID)
    }

    private struct RouteNotAllowed: ConnectionPreservingError {}

    func testPreservingErrorKeepsTheConnection() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 1, overflow: 0))
        XCTAssertThrowsError(try pool.withConnection { _ in throw RouteNotAllowed() })
        XCTAssertEqual(pool.statistics.idle, 1)
        XCTAssertEqual(factory.closedCount, 0)
    }

    func testCheckinTwiceIsIgnored() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 2, overflow: 0))
        let connection = try pool.checkout()
        pool.checkin(connection)
        pool.checkin(connection)
        pool.checkin(connection, broken: true)
        let stats = pool.statistics
        XCTAssertEqual(stats.idle, 1)
        XCTAssertEqual(stats.open, 1)
        XCTAssertEqual(stats.totalDiscarded, 0)
        XCTAssertEqual(factory.closedCount, 0)
        // Lent again, then another connection given back twice: the first is still out.
        let again = try pool.checkout()
        XCTAssertTrue(again === connection, "the warm connection is lent again")
        let other = try pool.checkout()
        pool.checkin(other)
        pool.checkin(other)
        XCTAssertEqual(pool.statistics.inUse, 1)
        XCTAssertEqual(pool.statistics.idle, 1)
        pool.checkin(again)
        XCTAssertEqual(pool.statistics.inUse, 0)
        XCTAssertEqual(pool.statistics.idle, 2)
    }

    func testConnectFailureReleasesTheSlot() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 1, overflow: 0, timeout: 0))
        factory.refuseNextConnections(1)
        XCTAssertThrowsError(try pool.checkout()) { error in
            guard case let .connectFailed(underlying)? = error as? ConnectionPoolError else {
                return XCTFail("expected connectFailed, got \(error)")
            }
            XCTAssertTrue(underlying is BrokerCallError)
        }
        let stats = pool.statistics
        XCTAssertEqual(stats.open, 0)
        XCTAssertEqual(stats.inUse, 0)
        XCTAssertEqual(stats.connectFailures, 1)
        XCTAssertNoThrow(try pool.withConnection { _ = try $0.service.status() })
    }

    func testFailedConnectHandsItsSlotToAWaiter() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 1, overflow: 0, timeout: 20_000))
        factory.holdConnects()
        factory.refuseNextConnections(1)
        let failing = PoolTestThread { () -> Bool in
            do {
                _ = try pool.checkout()
                return false
            } catch {
                if case .connectFailed? = error as? ConnectionPoolError { return true }
                return false
            }
        }
        XCTAssertTrue(eventually { factory.connectsWaitingAtGate == 1 })
        let waiting = PoolTestThread { () -> Bool in
            guard let connection = try? pool.checkout() else { return false }
            pool.checkin(connection)
            return true
        }
        XCTAssertTrue(eventually { pool.statistics.waiting == 1 })
        factory.releaseConnects()
        XCTAssertEqual(failing.join(), true)
        XCTAssertEqual(waiting.join(), true)
        XCTAssertEqual(pool.statistics.idle, 1)
    }

    func testSlowConnectDoesNotBlockOtherBorrowers() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(config(size: 2, overflow: 0, timeout: 20_000))
        let first = try pool.checkout()
        factory.holdConnects()
        let slow = PoolTestThread { () -> Bool in
            guard let connection = try? pool.checkout() else { return false }
            pool.checkin(connection)
            return true
        }
        XCTAssertTrue(eventually { factory.connectsWaitingAtGate == 1 })
        // While that connect is stuck, the pool still lends and takes back.
        pool.checkin(first)
        let again = try pool.checkout()
        XCTAssertEqual(again.id, first.id)
        XCTAssertEqual(pool.statistics.inUse, 2)
        pool.checkin(again)
        factory.releaseConnects()
        XCTAssertEqual(slow.join(), true)
        XCTAssertEqual(pool.statistics.idle, 2)
    }

    func testIdleConnectionOlderThanMaxIdleIsClosed() throws {
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: 2, maxOverflow: 0, maxIdleMilliseconds: 1))
        let firstID = try pool.withConnection { $0.id }
        usleep(20_000)
        let secondID = try pool.withConnection { $0.id }
        XCTAssertNotEqual(firstID, secondID)
        // The expired connection is closed off the borrower's path, namespaces first.
        XCTAssertTrue(eventually { factory.closedCount == 1 && pool.statistics.open == 1 })
        XCTAssertEqual(factory.services[0].callLog.last, "close")
    }
}

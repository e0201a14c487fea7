import BrokerTestKit
import HypertableClient
import Support
import XCTest

/// The pool under many threads: flask-hypertable's overflow counter was not synchronised and
/// its pool answered HTTP 500 under 16 clients.
final class PoolConcurrencyTests: XCTestCase {
    func testCountersStayConsistentUnderHeavyConcurrency() throws {
        let size = 4
        let overflow = 4
        let threads = 32
        let borrowsPerThread = 200
        let factory = FakeHypertableFactory()
        let pool = factory.makePool(PoolConfiguration(size: size, maxOverflow: overflow,
                                                      waitTimeoutMilliseconds: 60_000))
        let unexpected = Locked<[String]>([])
        let injectedTransportErrors = Locked(0)

        let workers = (0..<threads).map { _ in
            PoolTestThread { () -> Bool in
                var random = SystemRandomNumberGenerator()
                for _ in 0..<borrowsPerThread {
                    let roll = Int.random(in: 0..<100, using: &random)
                    do {
                        try pool.withConnection { connection in
                            let fake = connection.service as? FakeHypertableService
                            _ = try connection.withNamespace("test") { try connection.service.getTables($0) }
                            if roll < 3 {
                                fake?.failNextCallWithTransportError()
                            } else if roll < 8 {
                                fake?.failNextCall(with: .tableNotFound)
                            }
                            usleep(useconds_t.random(in: 0...200, using: &random))
                            _ = try connection.service.status()
                        }
                    } catch is BrokerCallError {
                        injectedTransportErrors.withLock { $0 += 1 }
                    } catch let error as ClientException where error.code == HypertableErrorCode.tableNotFound.rawValue {
                        continue
                    } catch {
                        unexpected.withLock { $0.append("\(error)") }
                    }
                }
                return true
            }
        }
        for worker in workers { XCTAssertEqual(worker.join(seconds: 120), true) }

        XCTAssertEqual(unexpected.current, [])
        let stats = pool.statistics
        XCTAssertEqual(stats.inUse, 0)
        XCTAssertEqual(stats.waiting, 0)
        XCTAssertEqual(stats.overflowInUse, 0)
        XCTAssertLessThanOrEqual(stats.idle, size)
        XCTAssertEqual(stats.open, stats.idle)
        XCTAssertEqual(stats.totalCreated - stats.totalClosed, stats.idle)
        XCTAssertEqual(stats.totalDiscarded, injectedTransportErrors.current)
        XCTAssertLessThanOrEqual(stats.peakOpen, size + overflow)
        // 32 threads on 8 connections: overflow must have been used, or the test proved nothing.
        XCTAssertGreaterThan(stats.peakOpen, size)
        // The factory's own view agrees with the pool's books.
        XCTAssertEqual(factory.createdCount, stats.totalCreated)
        XCTAssertEqual(factory.closedCount, stats.totalClosed)
        XCTAssertEqual(factory.openCount, stats.idle)
        XCTAssertLessThanOrEqual(factory.peakOpenCount, size + overflow)

        pool.shutdown()
        XCTAssertEqual(factory.openCount, 0)
        // Namespaces were closed on the broker for every connection closed in good health;
        // only connections discarded after a transport error may still hold one.
        let leaking = factory.services.filter { !$0.openNamespaces.isEmpty }.count
        XCTAssertLessThanOrEqual(leaking, stats.totalDiscarded)
    }
}

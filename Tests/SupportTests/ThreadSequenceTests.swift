import Foundation
import XCTest
@testable import Support

/// `ThreadSequence` hands each thread blocks of a shared counter: every number it returns, on
/// any thread, is returned once.
final class ThreadSequenceTests: XCTestCase {
    func testNumbersNeverRepeatAcrossThreadsAndBlocks() {
        let perThread = Int(ThreadSequence.blockSize) * 3 + 17  // past several blocks' ends
        let threads = 6
        let results = Locked<[UInt64]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let numbers = (0..<perThread).map { _ in ThreadSequence.next() }
            results.withLock { $0 += numbers }
        }
        let all = results.current
        XCTAssertEqual(all.count, perThread * threads)
        XCTAssertEqual(Set(all).count, all.count, "a number came twice")
    }

    func testAThreadCountsUpThroughItsBlocks() {
        // Within a block numbers are consecutive; a new block starts past every earlier one.
        let numbers = (0..<(Int(ThreadSequence.blockSize) + 10)).map { _ in ThreadSequence.next() }
        for (previous, number) in zip(numbers, numbers.dropFirst()) {
            XCTAssertGreaterThan(number, previous)
        }
        XCTAssertTrue(zip(numbers, numbers.dropFirst()).contains { $1 == $0 + 1 }, "consecutive within a block")
    }
}

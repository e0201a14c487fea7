#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Support
import TestSupport
import XCTest
@testable import HTTPServer

/// The group's own rules, with fake members: a pipe stands for each member's socket (a byte
/// written to it is a request), and the fake records what the leader did with it.
final class KeepAliveGroupLeaderTests: XCTestCase {
    private final class FakeMember: KeepAliveGroup.Member, @unchecked Sendable {
        let ends: (read: Int32, write: Int32)
        let stayNanoseconds: UInt64
        /// Turns the leader gave it, times it was sent back to its source.
        let turns = Locked(0)
        let left = Locked(0)
        /// When set, a turn announces a blocking wait, then waits for it.
        let gate: DispatchSemaphore?
        let waiting = DispatchSemaphore(value: 0)
        /// What a turn answers: nil (the member left on its own) when set.
        let leavesOnItsOwn: Bool

        init(stay: Double = 60, gate: DispatchSemaphore? = nil, leavesOnItsOwn: Bool = false) {
            var fds: [Int32] = [-1, -1]
            precondition(pipe(&fds) == 0)
            _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
            ends = (fds[0], fds[1])
            stayNanoseconds = UInt64(stay * 1e9)
            self.gate = gate
            self.leavesOnItsOwn = leavesOnItsOwn
        }

        deinit {
            close(ends.read)
            close(ends.write)
        }

        /// A request arrives.
        func send() {
            var byte: UInt8 = 1
            _ = write(ends.write, &byte, 1)
        }

        var groupDescriptor: Int32 { ends.read }

        func serveInGroup(reading buffer: UnsafeMutableRawBufferPointer, now: UInt64) -> KeepAliveGroup.Turn? {
            var byte: UInt8 = 0
            while read(ends.read, &byte, 1) == 1 {}
            if let gate {
                KeepAliveGroup.beforeBlocking()
                waiting.signal()
                gate.wait()
            }
            turns.withLock { $0 += 1 }
            if leavesOnItsOwn { return nil }
            return KeepAliveGroup.Turn(answered: true, waitEnd: Deadline.now().nanoseconds &+ stayNanoseconds)
        }

        func leaveGroup() {
            left.withLock { $0 += 1 }
        }

        func groupWaitEnd(now: UInt64) -> UInt64? {
            now &+ stayNanoseconds
        }
    }

    private func makePool(threads: Int) -> WorkerPool {
        let pool = WorkerPool(threadCount: threads, capacity: 8)
        addTeardownBlock { pool.stop(deadline: .after(seconds: 2)) }
        XCTAssertTrue(eventually { pool.hasIdleThread })
        return pool
    }

    func testOneLeaderServesEveryMemberWithARequest() {
        let pool = makePool(threads: 2)
        let group = KeepAliveGroup(workers: pool, capacity: 8)
        let members = (0..<3).map { _ in FakeMember() }
        for member in members { XCTAssertTrue(group.join(member)) }
        XCTAssertTrue(eventually { group.memberCount == 3 })
        for round in 1...3 {
            for member in members { member.send() }
            XCTAssertTrue(eventually { members.allSatisfy { $0.turns.current == round } }, "round \(round)")
        }
        XCTAssertEqual(members.map { $0.left.current }, [0, 0, 0])
        // One thread leads; the other is free.
        XCTAssertTrue(pool.hasIdleThread)
    }

    func testAMemberWhoseWaitEndsGoesBackAndTheLeaderReturnsToThePool() {
        let pool = makePool(threads: 1)
        let group = KeepAliveGroup(workers: pool, capacity: 8)
        let member = FakeMember(stay: 0.05)
        XCTAssertTrue(group.join(member))
        XCTAssertTrue(eventually { member.left.current == 1 })
        XCTAssertEqual(member.turns.current, 0)
        XCTAssertTrue(eventually { group.memberCount == 0 && pool.hasIdleThread })
        // A new member starts a new leader.
        let next = FakeMember()
        XCTAssertTrue(group.join(next))
        next.send()
        XCTAssertTrue(eventually { next.turns.current == 1 })
    }

    func testAMemberThatLeftOnItsOwnIsNotSentBack() {
        let pool = makePool(threads: 1)
        let group = KeepAliveGroup(workers: pool, capacity: 8)
        let member = FakeMember(leavesOnItsOwn: true)
        XCTAssertTrue(group.join(member))
        member.send()
        XCTAssertTrue(eventually { member.turns.current == 1 && group.memberCount == 0 })
        XCTAssertEqual(member.left.current, 0)
    }

    func testAFullGroupAndAGroupWithNoThreadToLeadItRefuse() {
        let pool = makePool(threads: 1)
        let full = KeepAliveGroup(workers: pool, capacity: 2)
        XCTAssertTrue(full.join(FakeMember()))
        XCTAssertTrue(full.join(FakeMember()))
        XCTAssertFalse(full.join(FakeMember()), "capacity 2")
        // The only thread leads `full`: another group cannot start a leader.
        XCTAssertTrue(eventually { !pool.hasIdleThread })
        let other = KeepAliveGroup(workers: pool, capacity: 8)
        XCTAssertFalse(other.join(FakeMember()))
    }

    func testAJobWaitingForTheLeadersThreadSendsEveryMemberBack() {
        let pool = makePool(threads: 1)
        let group = KeepAliveGroup(workers: pool, capacity: 8)
        let members = [FakeMember(), FakeMember()]
        for member in members { XCTAssertTrue(group.join(member)) }
        XCTAssertTrue(eventually { group.memberCount == 2 && !pool.hasIdleThread })
        let ran = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.submit { ran.signal() })
        XCTAssertEqual(ran.wait(timeout: .now() + 10), .success, "the leader gave its thread to the job")
        XCTAssertEqual(members.map { $0.left.current }, [1, 1])
    }

    func testAWaitInATurnHandsTheOtherMembersToANewLeader() {
        let pool = makePool(threads: 3)
        let group = KeepAliveGroup(workers: pool, capacity: 8)
        let gate = DispatchSemaphore(value: 0)
        let slow = FakeMember(gate: gate)
        let other = FakeMember()
        XCTAssertTrue(group.join(slow))
        XCTAssertTrue(group.join(other))
        XCTAssertTrue(eventually { group.memberCount == 2 })
        slow.send()
        XCTAssertEqual(slow.waiting.wait(timeout: .now() + 10), .success)
        // The slow member's thread waits; the other member is served by the new leader.
        other.send()
        XCTAssertTrue(eventually { other.turns.current == 1 })
        XCTAssertEqual(slow.turns.current, 0)
        // Outside a leader, nothing happens.
        KeepAliveGroup.beforeBlocking()
        gate.signal()
        // Its wait over, the slow member rejoins the group and is served there again.
        XCTAssertTrue(eventually { slow.turns.current == 1 && group.memberCount == 2 })
        slow.send()
        gate.signal()
        XCTAssertTrue(eventually { slow.turns.current == 2 })
        XCTAssertEqual(slow.left.current + other.left.current, 0)
    }
}

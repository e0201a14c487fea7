#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// One worker waiting on several kept-alive connections at once and serving their inline
/// requests itself: the event loop for busy connections whose routes never block.
///
/// A worker that stays with one connection (`HTTPConnection`'s stay) sleeps in `recv` after
/// every response: a context switch per request. A group's *leader* sleeps in one `poll` over
/// all its members and, when it wakes, serves every member that has a request before it
/// sleeps again, so a busy group costs a fraction of a switch per request.
///
/// Members join after an inline request (health, metrics, the spec) with the stay's
/// conditions: plain HTTP, kept alive, a request the application vouched for. A member's
/// request whose handler may block leaves the group for a worker of its own, so no broker
/// call holds up the rest of the group. A response write that would wait for a slow reader
/// hands the rest of the group to a new leader first (`beforeBlocking`), so a client that
/// stops reading holds up only itself.
///
/// The leader is a `WorkerPool` job, started by the first member (only while a thread is
/// idle) and ended when the last one leaves. It follows the pool's rule for stays: when a job
/// waits for a thread, every member goes back to its readiness source and the leader returns
/// to the pool.
final class KeepAliveGroup: Sendable {
    /// A connection as its group sees it. Its readiness source is suspended while it is a
    /// member, and only the leader reads it.
    protocol Member: AnyObject, Sendable {
        var groupDescriptor: Int32 { get }
        /// Reads what the socket holds and serves the inline requests it completes; nil when
        /// the connection left the group (handed to a worker, back to its source, or closed).
        func serveInGroup(reading buffer: UnsafeMutableRawBufferPointer, now: UInt64) -> KeepAliveGroup.Turn?
        /// The member's wait is over: reading goes back to its readiness source.
        func leaveGroup()
        /// When the member's wait for its next request ends, if nothing comes: `now` plus the
        /// stay, or the connection's own deadline when sooner; nil when it must leave now (a
        /// drain came).
        func groupWaitEnd(now: UInt64) -> UInt64?
    }

    /// What serving a member's bytes left it with.
    struct Turn {
        /// A response was written: the member's wait starts again.
        var answered: Bool
        /// `groupWaitEnd` after the turn.
        var waitEnd: UInt64?
    }

    private struct State {
        var joining: [any Member] = []

        /// The joiners, moved out: clearing an array still shared with the caller would
        /// allocate a new buffer.
        mutating func takeJoining() -> [any Member] {
            if joining.isEmpty { return [] }
            let taken = joining
            joining = []
            return taken
        }

        /// A leader job runs or is queued.
        var led = false
        /// The leader is in (or about to enter) `poll`: a joiner writes to the wake pipe.
        var sleeping = false
        /// A wake-up byte was written and not yet read.
        var woken = false
        /// Members at the leader's last count, joiners not included.
        var members = 0
    }

    /// Members one group holds at most: each `poll` looks at every member.
    let capacity: Int
    private let workers: WorkerPool
    private let state = Locked(State())
    /// Wakes the leader for joiners.
    private let joinWake = WakePipe()

    init(workers: WorkerPool, capacity: Int) {
        self.workers = workers
        self.capacity = capacity
    }

    /// Members and joiners now.
    var memberCount: Int { state.withLock { $0.members + $0.joining.count } }

    /// Adds `member`: its source suspended, marked staying. False when the group is full, or
    /// has no leader and no thread is idle to become one; the member is then still the
    /// caller's.
    func join(_ member: any Member) -> Bool {
        let (accepted, start, wake) = state.withLock { state -> (Bool, Bool, Bool) in
            guard state.members + state.joining.count < capacity else { return (false, false, false) }
            if !state.led {
                // A leader queued behind busy workers would leave the member unread.
                guard workers.hasIdleThread else { return (false, false, false) }
                state.led = true
                state.joining.append(member)
                return (true, true, false)
            }
            state.joining.append(member)
            let wake = state.sleeping && !state.woken
            if wake { state.woken = true }
            return (true, false, wake)
        }
        guard accepted else { return false }
        if wake { joinWake.wake() }
        if start && !workers.submit({ [self] in lead(Leadership()) }) {
            for other in endLeadership() where other !== member { other.leaveGroup() }
            return false
        }
        return true
    }

    /// No leader any more: the joiners not yet taken are returned.
    private func endLeadership() -> [any Member] {
        state.withLock { state in
            state.led = false
            state.members = 0
            return state.takeJoining()
        }
    }

    /// The leader's members, owned by one thread at a time (hence unchecked): the one that
    /// runs `lead`, until it hands them to a new leader (`handOff`).
    /// One owner at a time also makes Swift's dynamic exclusivity checks (a runtime call per
    /// access, several per member per `poll`) redundant: they are off.
    private final class Leadership: @unchecked Sendable {
        @exclusivity(unchecked) var members: [any Member] = []
        @exclusivity(unchecked) var waitEnds: [UInt64] = []
        /// The wake pipe, the pool's hold pipe, then one per member (same order as `members`).
        @exclusivity(unchecked) var descriptors: [pollfd] = []
        /// The member being served (an index), -1 between turns.
        @exclusivity(unchecked) var serving = -1
        /// `handOff` gave the members to a new leader; the member being served stays with
        /// this thread.
        @exclusivity(unchecked) var handedOff = false
        @exclusivity(unchecked) var group: KeepAliveGroup?
    }

    /// The `Leadership` the current thread runs, if any.
    private static let leading: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Called before a wait on a client's socket (a full send buffer). On a group's leader,
    /// hands every other member to a new leader first, so that the wait holds up only this
    /// connection; elsewhere, nothing.
    static func beforeBlocking() {
        guard let pointer = pthread_getspecific(leading) else { return }
        let leadership = Unmanaged<Leadership>.fromOpaque(pointer).takeUnretainedValue()
        leadership.group?.handOff(leadership)
    }

    private func handOff(_ leadership: Leadership) {
        let index = leadership.serving
        guard !leadership.handedOff, index >= 0 else { return }
        leadership.handedOff = true
        pthread_setspecific(Self.leading, nil)
        let successor = Leadership()
        for other in leadership.members.indices where other != index {
            successor.members.append(leadership.members[other])
            successor.waitEnds.append(leadership.waitEnds[other])
        }
        leadership.members.removeAll()
        leadership.waitEnds.removeAll()
        // A successor queued behind busy workers would leave the members unread: with no
        // idle thread they go back to their sources instead.
        if !workers.hasIdleThread || !workers.submit({ [self] in lead(successor) }) {
            for member in successor.members { member.leaveGroup() }
            for member in endLeadership() { member.leaveGroup() }
        }
    }

    /// The leader's loop: serves `leadership`'s members (and whoever joins) until none is
    /// left, a job waits for this thread, or it handed them on.
    private func lead(_ leadership: Leadership) {
        leadership.group = self
        leadership.descriptors = [pollfd(fd: joinWake.descriptor, events: Int16(POLLIN), revents: 0),
                                  pollfd(fd: workers.holdWakeDescriptor, events: Int16(POLLIN), revents: 0)]
        for member in leadership.members {
            leadership.descriptors.append(pollfd(fd: member.groupDescriptor, events: Int16(POLLIN), revents: 0))
        }
        pthread_setspecific(Self.leading, Unmanaged.passUnretained(leadership).toOpaque())
        defer {
            pthread_setspecific(Self.leading, nil)
            leadership.group = nil
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let joined = state.withLock { state -> [any Member]? in
                if state.joining.isEmpty && leadership.members.isEmpty {
                    state.led = false
                    state.members = 0
                    return nil
                }
                state.sleeping = true
                state.members = leadership.members.count + state.joining.count
                return state.takeJoining()
            }
            guard let joined else { return }
            let now = Deadline.now().nanoseconds
            for member in joined {
                guard let end = member.groupWaitEnd(now: now) else {
                    member.leaveGroup()
                    continue
                }
                leadership.members.append(member)
                leadership.waitEnds.append(end)
                leadership.descriptors.append(pollfd(fd: member.groupDescriptor, events: Int16(POLLIN), revents: 0))
            }
            guard !leadership.members.isEmpty, workers.beginLeading() else {
                state.withLock { $0.sleeping = false }
                disband(leadership)
                continue
            }
            let earliest = leadership.waitEnds.min() ?? now
            let milliseconds = earliest <= now ? 0 : Int32(min(1000, (earliest - now + 999_999) / 1_000_000))
            let ready = poll(&leadership.descriptors, nfds_t(leadership.descriptors.count), milliseconds)
            let pollError = ready < 0 ? errno : 0
            workers.endHolding()
            let woken = state.withLock { state -> Bool in
                state.sleeping = false
                defer { state.woken = false }
                return state.woken
            }
            if woken { joinWake.drain() }
            if leadership.descriptors[1].revents != 0 && workers.takeHoldWake() {
                disband(leadership)
                continue
            }
            if pollError != 0 && pollError != EINTR {
                // Not a member's doing (a bad descriptor would show in its revents): give
                // every member back rather than spin.
                disband(leadership)
                continue
            }
            if serveReady(leadership, buffer: buffer) { return }
        }
    }

    /// One pass over the members after `poll`: serves those with bytes, lets go of those whose
    /// wait ended. True when the members were handed to a new leader meanwhile.
    private func serveReady(_ leadership: Leadership, buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let now = Deadline.now().nanoseconds
        var index = leadership.members.count - 1
        while index >= 0 {
            let slot = index + 2
            let events = leadership.descriptors[slot].revents
            leadership.descriptors[slot].revents = 0
            let member = leadership.members[index]
            var stays = true
            if events != 0 {
                leadership.serving = index
                let turn = member.serveInGroup(reading: buffer, now: now)
                leadership.serving = -1
                if leadership.handedOff {
                    // The others went to a new leader: this member rejoins them if it stays.
                    if let turn, turn.waitEnd == nil || !join(member) { member.leaveGroup() }
                    return true
                }
                if let turn {
                    if let end = turn.waitEnd {
                        leadership.waitEnds[index] = turn.answered ? end : min(end, leadership.waitEnds[index])
                    } else {
                        member.leaveGroup()
                        stays = false
                    }
                } else {
                    stays = false
                }
            } else if now >= leadership.waitEnds[index] {
                member.leaveGroup()
                stays = false
            }
            if !stays {
                // The last member (already looked at) takes this one's place.
                let last = leadership.members.count - 1
                leadership.members.swapAt(index, last)
                leadership.members.removeLast()
                leadership.waitEnds.swapAt(index, last)
                leadership.waitEnds.removeLast()
                leadership.descriptors.swapAt(slot, last + 2)
                leadership.descriptors.removeLast()
            }
            index -= 1
        }
        return false
    }

    /// Every member back to its readiness source (a job waits for this thread, or the pool stops).
    private func disband(_ leadership: Leadership) {
        for member in leadership.members { member.leaveGroup() }
        leadership.members.removeAll()
        leadership.waitEnds.removeAll()
        leadership.descriptors.removeSubrange(2...)
    }
}

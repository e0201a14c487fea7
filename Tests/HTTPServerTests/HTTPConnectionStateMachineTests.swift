@testable import HTTPServer
import XCTest

/// The connection's protocol state from byte fixtures and chosen instants: no socket, thread or clock.
final class HTTPConnectionStateMachineTests: XCTestCase {
    typealias Machine = HTTPConnectionStateMachine

    static let second: UInt64 = 1_000_000_000
    static let timeouts = Machine.Timeouts(idle: 60 * second, head: 10 * second, body: 30 * second, linger: 2 * second)

    private func machine(admit: HTTPRequestParser.Admission? = nil, now: UInt64 = 0) -> Machine {
        Machine(parser: HTTPRequestParser(admit: admit), timeouts: Self.timeouts, now: now)
    }

    private func dispatched(_ action: Machine.Action, file: StaticString = #filePath, line: UInt = #line) -> HTTPRequest? {
        guard case .dispatch(let request) = action else {
            XCTFail("expected dispatch, got \(action)", file: file, line: line)
            return nil
        }
        return request
    }

    private func isRead(_ action: Machine.Action) -> Bool { if case .read = action { return true } else { return false } }
    private func isClose(_ action: Machine.Action) -> Bool { if case .close = action { return true } else { return false } }
    private func isLinger(_ action: Machine.Action) -> Bool { if case .linger = action { return true } else { return false } }

    func testANewConnectionMustSendItsHeadWithinTheHeadTimeout() {
        var machine = machine(now: 100)
        XCTAssertEqual(machine.phase, .waiting)
        XCTAssertEqual(machine.deadline, 100 + 10 * Self.second)
        XCTAssertTrue(isRead(machine.timerFired(now: 100 + 9 * Self.second)))
        XCTAssertTrue(isClose(machine.timerFired(now: 100 + 10 * Self.second)))
        XCTAssertEqual(machine.phase, .closed)
    }

    func testACompleteRequestIsDispatchedAndTheNextWaitIsTheIdleTimeout() {
        var machine = machine()
        let request = dispatched(machine.received(Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: 5))
        XCTAssertEqual(request?.path, "/a")
        XCTAssertEqual(machine.phase, .processing)
        // No timeout while the handler works, however long.
        XCTAssertTrue(isRead(machine.timerFired(now: 1000 * Self.second)))
        XCTAssertTrue(isRead(machine.responseFinished(close: false, following: [], now: 7)))
        XCTAssertEqual(machine.phase, .waiting)
        XCTAssertEqual(machine.deadline, 7 + 60 * Self.second)
        XCTAssertTrue(isClose(machine.timerFired(now: 7 + 60 * Self.second)))
    }

    func testPipelinedRequestsAreAnsweredInOrder() {
        var machine = machine()
        let bytes = Array("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        XCTAssertEqual(dispatched(machine.received(bytes, now: 0))?.path, "/1")
        // Bytes during processing are only buffered.
        XCTAssertTrue(isRead(machine.received(Array("GET /3 HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: 1)))
        XCTAssertEqual(dispatched(machine.responseFinished(close: false, following: [], now: 2))?.path, "/2")
        XCTAssertEqual(dispatched(machine.responseFinished(close: false, following: [], now: 3))?.path, "/3")
        XCTAssertTrue(isRead(machine.responseFinished(close: false, following: [], now: 4)))
    }

    func testTooManyPipelinedBytesPauseReading() {
        var machine = machine()
        _ = dispatched(machine.received(Array("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: 0))
        let filler = [UInt8](repeating: UInt8(ascii: "a"), count: Machine.pipelineBufferLimit + 1)
        guard case .pauseReading = machine.received(filler, now: 1) else { return XCTFail("expected a pause") }
    }

    func testAHeadInPiecesGetsTheHeadTimeoutFromItsFirstByte() {
        var machine = machine(now: 0)
        XCTAssertTrue(isRead(machine.received(Array("GET /a HTTP/1.1\r\n".utf8), now: Self.second)))
        XCTAssertEqual(machine.phase, .readingHead)
        XCTAssertEqual(machine.deadline, 11 * Self.second)
        // More bytes do not extend it (slowloris).
        XCTAssertTrue(isRead(machine.received(Array("Host: x\r\n".utf8), now: 5 * Self.second)))
        XCTAssertEqual(machine.deadline, 11 * Self.second)
        guard case .reply(let response, _, _, let close) = machine.timerFired(now: 11 * Self.second) else {
            return XCTFail("expected a 408")
        }
        XCTAssertEqual(response.status.code, 408)
        XCTAssertTrue(close)
        XCTAssertTrue(isLinger(machine.replySent(close: true, now: 11 * Self.second)))
        XCTAssertTrue(isClose(machine.timerFired(now: 13 * Self.second)))
    }

    func testAWholeBodyMustArriveWithinTheBodyTimeout() {
        var machine = machine()
        let head = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"
        XCTAssertTrue(isRead(machine.received(Array(head.utf8), now: Self.second)))
        XCTAssertEqual(machine.phase, .readingBody)
        XCTAssertEqual(machine.deadline, 31 * Self.second)
        // Trickling bytes do not extend the body's deadline.
        XCTAssertTrue(isRead(machine.received(Array("d".utf8), now: 20 * Self.second)))
        XCTAssertEqual(machine.deadline, 31 * Self.second)
        guard case .reply(let response, _, _, _) = machine.timerFired(now: 31 * Self.second) else {
            return XCTFail("expected a 408")
        }
        XCTAssertEqual(response.status.code, 408)
    }

    func testABodyMustKeepUpTheMinimumRate() {
        let timeouts = Machine.Timeouts(idle: 60 * Self.second, head: 10 * Self.second, body: 300 * Self.second,
                                        bodyRate: 1000, bodyGrace: 2 * Self.second)
        var machine = Machine(parser: HTTPRequestParser(), timeouts: timeouts, now: 0)
        let head = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
        XCTAssertTrue(isRead(machine.received(Array(head.utf8), now: 0)))
        XCTAssertEqual(machine.deadline, 2 * Self.second, "the grace period first")
        // Each 1,000 bytes earn one more second.
        XCTAssertTrue(isRead(machine.received([UInt8](repeating: 0x61, count: 3000), now: Self.second)))
        XCTAssertEqual(machine.deadline, 5 * Self.second)
        XCTAssertTrue(isRead(machine.timerFired(now: 4 * Self.second)))
        guard case .reply(let response, _, _, true) = machine.timerFired(now: 5 * Self.second) else {
            return XCTFail("expected a 408 for a body that fell behind")
        }
        XCTAssertEqual(response.status.code, 408)
    }

    func testAMalformedRequestGetsItsStatusThenTheConnectionLingers() {
        var machine = machine()
        guard case .reply(let response, nil, let error?, true) = machine.received(Array("GET\r\n\r\n".utf8), now: 0) else {
            return XCTFail("expected an error reply")
        }
        XCTAssertEqual(response.status.code, 400)
        XCTAssertEqual(error.status.code, 400)
        XCTAssertTrue(isLinger(machine.replySent(close: true, now: 0)))
        XCTAssertEqual(machine.phase, .lingering)
        // Input is discarded, not parsed.
        XCTAssertTrue(isRead(machine.received(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: 1)))
        XCTAssertEqual(machine.phase, .lingering)
    }

    func testARefusalWithoutABodyKeepsTheConnection() {
        var machine = machine(admit: { head in
            head.path == "/secret" ? .refuse(.problem(.unauthorized)) : .proceed(streamBody: false)
        })
        let bytes = Array("GET /secret HTTP/1.1\r\nHost: x\r\n\r\nGET /open HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        guard case .reply(let response, let request?, nil, false) = machine.received(bytes, now: 0) else {
            return XCTFail("expected a refusal")
        }
        XCTAssertEqual(response.status.code, 401)
        XCTAssertEqual(request.path, "/secret")
        XCTAssertEqual(dispatched(machine.replySent(close: false, now: 1))?.path, "/open")
    }

    func testARefusalOfARequestWithABodyClosesWithoutReadingItOrInvitingIt() {
        var machine = machine(admit: { _ in .refuse(.problem(.unauthorized)) })
        let head = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 8000000\r\nExpect: 100-continue\r\n\r\n"
        guard case .reply(let response, _, nil, true) = machine.received(Array(head.utf8), now: 0) else {
            return XCTFail("expected a closing refusal, not 100 Continue")
        }
        XCTAssertTrue(response.closeConnection)
        XCTAssertTrue(isLinger(machine.replySent(close: true, now: 0)))
    }

    func testContinueIsSentOnlyAfterTheHeadWasAdmitted() {
        var machine = machine(admit: { _ in .proceed(streamBody: false) })
        let head = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"
        guard case .sendContinue = machine.received(Array(head.utf8), now: 0) else { return XCTFail("expected 100") }
        XCTAssertEqual(dispatched(machine.received(Array("abc".utf8), now: 1))?.body, Array("abc".utf8))
    }

    func testAdmissionAnnotatesTheRequest() {
        var machine = machine(admit: { head in
            head.context.requestID = "id-1"
            head.context.runsInline = true
            return .proceed(streamBody: false)
        })
        let request = dispatched(machine.received(Array("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi".utf8), now: 0))
        XCTAssertEqual(request?.context.requestID, "id-1")
        XCTAssertEqual(request?.context.runsInline, true)
        XCTAssertEqual(request?.body, Array("hi".utf8))
    }

    func testAStreamedBodyLeftUnreadEndsTheConnection() {
        var machine = machine(admit: { _ in .proceed(streamBody: true) })
        let head = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nfirst"
        let request = dispatched(machine.received(Array(head.utf8), now: 0))
        XCTAssertNotNil(request?.streamedBody)
        XCTAssertEqual(machine.takeUnconsumedBytes(), Array("first".utf8))
        XCTAssertTrue(isLinger(machine.responseFinished(close: false, following: nil, now: 1)))
    }

    func testBytesAfterAStreamedBodyStartTheNextRequest() {
        var machine = machine(admit: { head in .proceed(streamBody: head.path == "/up") })
        _ = dispatched(machine.received(Array("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n".utf8), now: 0))
        let next = Array("GET /b HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        XCTAssertEqual(dispatched(machine.responseFinished(close: false, following: next, now: 1))?.path, "/b")
    }

    func testDrainClosesAnIdleConnectionAtOnceAndABusyOneAfterItsResponse() {
        var idle = machine()
        XCTAssertTrue(isClose(idle.drain()))
        var busy = machine()
        _ = dispatched(busy.received(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: 0))
        XCTAssertTrue(isRead(busy.drain()))
        XCTAssertTrue(isClose(busy.responseFinished(close: false, following: [], now: 1)))
    }

    func testAResponseThatClosesEndsTheConnection() {
        var machine = machine()
        _ = dispatched(machine.received(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: 0))
        XCTAssertTrue(isClose(machine.responseFinished(close: true, following: [], now: 1)))
    }

    func testEndOfStreamClosesUnlessARequestIsInProgress() {
        var idle = machine()
        XCTAssertTrue(isClose(idle.endOfStream()))
        var busy = machine()
        _ = dispatched(busy.received(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: 0))
        XCTAssertTrue(isRead(busy.endOfStream()))
    }
}

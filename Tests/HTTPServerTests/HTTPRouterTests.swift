import XCTest
@testable import HTTPServer

final class HTTPRouterTests: XCTestCase {
    private func makeRouter() -> HTTPRouter {
        var router = HTTPRouter()
        router.get("/health/live") { _, _ in .text("live") }
        router.get("/ns/{ns}") { _, p in .text("ns \(p["ns"] ?? "?")") }
        router.put("/ns/{ns}") { _, p in .text("create \(p["ns"] ?? "?")") }
        router.get("/ns/{ns}/tables/{table}/rows/{row}") { _, p in
            .text("row \(p["ns"] ?? "?") \(p["table"] ?? "?") \(p.bytes("row") ?? [])")
        }
        router.get("/ns/special") { _, _ in .text("literal wins") }
        router.get("/files/{path...}") { _, p in .text("files \(p["path"] ?? "?")") }
        router.get("/tree/{ns...}/tables") { _, p in .text("tree \(p["ns"] ?? "?")") }
        router.post("/fail") { _, _ in throw TestFailure() }
        return router
    }

    private struct TestFailure: Error {}

    private func respond(_ router: HTTPRouter, _ method: HTTPMethod, _ target: String) -> (Int, String, HTTPResponse) {
        let response = router.handle(HTTPRequest(method: method, target: target))
        return (response.status.code, String(decoding: response.bodyBytes ?? [], as: UTF8.self), response)
    }

    func testRepeatedResolutionsAnswerAlikeAndALaterRouteIsSeen() {
        var router = makeRouter()
        for _ in 0..<3 {
            XCTAssertEqual(respond(router, .get, "/ns/app").1, "ns app")
            XCTAssertEqual(respond(router, .get, "/ns/other").1, "ns other", "each path keeps its own parameters")
            XCTAssertEqual(respond(router, .delete, "/ns/app").0, 405)
        }
        XCTAssertEqual(respond(router, .get, "/late").0, 404)
        router.get("/late") { _, _ in .text("added after a lookup") }
        XCTAssertEqual(respond(router, .get, "/late").1, "added after a lookup")
        // Past the bounded table, answers stay right.
        for index in 0..<(ResolutionCache.entriesPerShard * 2) {
            XCTAssertEqual(respond(router, .get, "/ns/n\(index)").1, "ns n\(index)")
        }
        let long = "/files/" + String(repeating: "x", count: ResolutionCache.longestCachedPath)
        XCTAssertEqual(respond(router, .get, long).0, 200)
    }

    func testParametersArePercentDecoded() {
        let router = makeRouter()
        XCTAssertEqual(respond(router, .get, "/ns/app%2Fprod").1, "ns app/prod")
        let (status, body, response) = respond(router, .get, "/ns/a/tables/t/rows/%FF%01")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(body, "row a t [255, 1]")
        XCTAssertEqual(response.routePattern, "/ns/{ns}/tables/{table}/rows/{row}")
    }

    func testLiteralBeatsParameter() {
        let router = makeRouter()
        XCTAssertEqual(respond(router, .get, "/ns/special").1, "literal wins")
        XCTAssertEqual(respond(router, .get, "/ns/other").1, "ns other")
    }

    func testCatchAllCapturesRemainingSegments() {
        let router = makeRouter()
        XCTAssertEqual(respond(router, .get, "/files/a/b/c.txt").1, "files a/b/c.txt")
        XCTAssertEqual(respond(router, .get, "/tree/app/prod/tables").1, "tree app/prod")
        XCTAssertEqual(respond(router, .get, "/files").0, 404, "a catch-all needs at least one segment")
    }

    func testUnknownPathIs404() {
        let router = makeRouter()
        XCTAssertEqual(respond(router, .get, "/nope").0, 404)
        XCTAssertEqual(respond(router, .get, "/ns/a/tables").0, 404)
        XCTAssertEqual(respond(router, .get, "/ns/a%zz").0, 400)
    }

    func testWrongMethodIs405WithAllow() {
        let router = makeRouter()
        let (status, _, response) = respond(router, .delete, "/ns/a")
        XCTAssertEqual(status, 405)
        XCTAssertEqual(response.headers["Allow"], "GET, HEAD, PUT")
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
    }

    func testHeadIsServedByGet() {
        let router = makeRouter()
        let (status, body, _) = respond(router, .head, "/health/live")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(body, "live", "the router returns the GET response; the writer drops the body")
    }

    func testThrowingHandlerGives500AndConvertibleErrorsGiveTheirOwnResponse() {
        struct Teapot: HTTPResponseConvertible {
            var httpResponse: HTTPResponse { .text("short and stout", status: HTTPStatus(code: 418, reasonPhrase: "I'm a teapot")) }
        }
        var router = makeRouter()
        router.get("/teapot") { _, _ in throw Teapot() }
        XCTAssertEqual(respond(router, .post, "/fail").0, 500)
        XCTAssertEqual(respond(router, .get, "/teapot").0, 418)
    }
}

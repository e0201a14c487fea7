import HTTPServer
import HypertableClient
import Sockets

/// `/health/live`, `/health/ready` (and its alias `/health`): the load balancer's probes.
struct HealthRoutes: Sendable {
    let pool: ConnectionPool
    let connector: BrokerConnector?
    let handling: RouteHandling
    /// How long readiness waits for a pooled connection: a probe must answer quickly.
    let probeWaitMilliseconds: Int

    func register(in router: inout HTTPRouter) {
        // Answered on the connection's I/O thread: liveness must not queue behind broker calls.
        router.get("/health/live", runsInline: true) { _, _ in
            HTTPResponse.json(Self.liveBody)
        }
        router.get("/health/ready") { request, _ in ready(request) }
        router.get("/health") { request, _ in ready(request) }
    }

    static let liveBody = Array(#"{"status":"ok"}"#.utf8)

    /// How recent a healthy return must be for a saturated pool to count as ready.
    static let recentAnswerSeconds = 10.0

    func brokerAnsweredRecently() -> Bool {
        guard let last = pool.lastHealthyReturn else { return false }
        return Deadline.now().nanoseconds &- last.nanoseconds < UInt64(Self.recentAnswerSeconds * 1e9)
    }

    /// Ready when a pooled connection answers `status()` with code 0 (IDL `Status`, OK = 0),
    /// or when none is free but connections came back healthy within `recentAnswerSeconds`.
    func ready(_ request: HTTPRequest) -> HTTPResponse {
        do {
            let status = try pool.withConnection(deadline: .after(milliseconds: probeWaitMilliseconds)) {
                try $0.service.status()
            }
            guard status.code == 0 else {
                return Problem(status: 503, title: "Service Unavailable",
                               detail: "the broker reports status \(status.code): \(status.text)",
                               type: "/problems/broker-not-ready", retryAfter: 1)
                    .response(instance: request.path, requestID: request.context.requestID)
            }
            var json = JSONWriter()
            json.beginObject()
            json.field("status", "ok")
            json.key("broker")
            json.beginObject()
            json.field("code", Int(status.code))
            json.field("text", status.text)
            json.endObject()
            let statistics = pool.statistics
            json.key("pool")
            json.beginObject()
            json.field("in_use", statistics.inUse)
            json.field("idle", statistics.idle)
            json.field("waiting", statistics.waiting)
            json.endObject()
            json.endObject()
            var response = jsonResponse(json)
            response.headers.set("Cache-Control", "no-store")
            return response
        } catch ConnectionPoolError.waitTimeout where brokerAnsweredRecently() {
            // Every connection is busy, but they keep coming back healthy: the broker answers,
            // the gateway is loaded, not broken. Saying "not ready" here would take every
            // gateway of a loaded fleet out of rotation at once.
            var json = JSONWriter()
            json.beginObject()
            json.field("status", "ok")
            json.key("pool")
            json.beginObject()
            json.field("saturated", true)
            json.endObject()
            json.endObject()
            var response = jsonResponse(json)
            response.headers.set("Cache-Control", "no-store")
            return response
        } catch {
            // Whatever went wrong, readiness answers 503 so the load balancer looks elsewhere.
            var problem = ErrorMapping.problem(for: error)
            problem.detail = "not ready: " + problem.detail
            if let connector, !connector.brokersDown.isEmpty {
                problem.extra.append(("brokers_down", connector.brokersDown.map(\.description).joined(separator: ",")))
            }
            problem.status = 503
            problem.title = "Service Unavailable"
            problem.retryAfter = 1
            return problem.response(instance: request.path, requestID: request.context.requestID)
        }
    }
}

import HTTPServer
import HypertableClient
import Support

/// `/health/live`, `/health/ready` (and its alias `/health`): the load balancer's probes.
struct HealthRoutes: Sendable {
    let pool: ConnectionPool
    let connector: BrokerConnector?
    let handling: RouteHandling
    /// How long readiness waits for a pooled connection: a probe must answer quickly.
    /// Readiness is open to all (load balancers have no token), but its details (broker status,
    /// pool counts, error text, brokers down) map the deployment: with tokens configured only a
    /// caller with a valid one sees them; others get ready or not and a reason class.
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

    /// What the probe found, before it is told in full or in brief.
    enum Readiness {
        case ready(BrokerStatus, ConnectionPoolStatistics)
        /// No connection free in time, but connections came back healthy recently.
        case saturated
        /// The broker answered `status()` with a code other than 0.
        case brokerNotReady(BrokerStatus)
        case failed(any Error)
    }

    /// Ready when a pooled connection answers `status()` with code 0 (IDL `Status`, OK = 0),
    /// or when none is free but connections came back healthy within `recentAnswerSeconds`.
    func probe() -> Readiness {
        do {
            let status = try pool.withConnection(deadline: .after(milliseconds: probeWaitMilliseconds)) {
                try $0.service.status()
            }
            return status.code == 0 ? .ready(status, pool.statistics) : .brokerNotReady(status)
        } catch ConnectionPoolError.waitTimeout where brokerAnsweredRecently() {
            // Every connection is busy, but they keep coming back healthy: the broker answers,
            // the gateway is loaded, not broken. Saying "not ready" here would take every
            // gateway of a loaded fleet out of rotation at once.
            return .saturated
        } catch {
            return .failed(error)
        }
    }

    func ready(_ request: HTTPRequest) -> HTTPResponse {
        let readiness = probe()
        guard showsDetails(request) else { return briefResponse(readiness) }
        switch readiness {
        case .ready(let status, let statistics):
            var json = JSONWriter()
            json.beginObject()
            json.field("status", "ok")
            json.key("broker")
            json.beginObject()
            json.field("code", Int(status.code))
            json.field("text", status.text)
            json.endObject()
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
        case .saturated:
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
        case .brokerNotReady(let status):
            var problem = Problem(status: 503, title: "Service Unavailable",
                                  detail: "the broker reports status \(status.code): \(status.text)",
                                  type: "/problems/broker-not-ready", retryAfter: 1)
            problem.extra.append(("reason", Self.reason(readiness)))
            return problem.response(to: request)
        case .failed(let error):
            // Whatever went wrong, readiness answers 503 so the load balancer looks elsewhere.
            var problem = ErrorMapping.problem(for: error)
            problem.detail = "not ready: " + problem.detail
            if let connector, !connector.brokersDown.isEmpty {
                problem.extra.append(("brokers_down", connector.brokersDown.map(\.description).joined(separator: ",")))
            }
            problem.extra.append(("reason", Self.reason(readiness)))
            problem.status = 503
            problem.title = "Service Unavailable"
            problem.retryAfter = 1
            return problem.response(to: request)
        }
    }

    /// The token guard ran when the head arrived (`RequestPipeline.admit`) and left the
    /// credential's grant in the context (every request has one when authentication is off),
    /// or none when the credential was absent or not valid.
    private func showsDetails(_ request: HTTPRequest) -> Bool {
        request.context.grant is AccessGrant
    }

    /// `{"status":"ready"}` (200) or `{"status":"not_ready","reason":...}` (503 with
    /// Retry-After): all a load balancer needs, nothing about brokers, errors or load.
    private func briefResponse(_ readiness: Readiness) -> HTTPResponse {
        var json = JSONWriter()
        json.beginObject()
        var response: HTTPResponse
        switch readiness {
        case .ready, .saturated:
            json.field("status", "ready")
            json.endObject()
            response = jsonResponse(json)
        case .brokerNotReady, .failed:
            json.field("status", "not_ready")
            json.field("reason", Self.reason(readiness))
            json.endObject()
            response = jsonResponse(json, status: 503)
            response.headers.set("Retry-After", "1")
        }
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    /// The class of a readiness failure, from the problem type `ErrorMapping` gives it: a few
    /// fixed words that say where to look without saying what the deployment is made of.
    static func reason(_ readiness: Readiness) -> String {
        switch readiness {
        case .ready, .saturated: return "ready"
        case .brokerNotReady: return "broker_not_ready"
        case .failed(let error):
            switch ErrorMapping.problem(for: error).type {
            case "/problems/broker-unreachable": return "broker_unreachable"
            case "/problems/broker-timeout": return "broker_timeout"
            case "/problems/pool-exhausted": return "pool_exhausted"
            case "/problems/shutting-down": return "shutting_down"
            case "/problems/internal": return "internal_error"
            default: return "broker_error"
            }
        }
    }
}

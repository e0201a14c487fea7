import HQL
import HypertableClient

/// Where every error a route meets becomes an HTTP status (ARCHITECTURE.md, "Errors"; the
/// server's own framing replies, 400/408/413/431/503, are made in `HTTPServer`): a user's
/// mistake is a 4xx, never a 500; the broker's trouble is a 502/503/504.
public enum ErrorMapping {
    /// Maps any error a handler may meet to the problem the client gets.
    public static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let exception as ClientException:
            return problem(for: exception)
        case let error as ConnectionPoolError:
            return problem(for: error)
        case let error as SchemaReferenceError:
            return problem(for: error)
        case let error as PartialRangeDelete:
            var problem = problem(for: error.failure)
            problem.extraIntegers.append(("deleted", error.deleted))
            return problem
        case let error as HQLBindingError:
            return problem(for: error)
        case let error as CursorError:
            return problem(for: error)
        case let error as RateLimitExceeded:
            return problem(for: error)
        default:
            return transportProblem(for: error)
        }
    }

    /// The status for a broker `ClientException`, by Hypertable error code (`Common/Error.h`).
    public static func status(forCode code: Int32) -> Int {
        guard let known = HypertableErrorCode(rawValue: code) else { return 502 }
        switch known {
        case .hqlParseError, .syntaxError, .badScanSpec, .hqlBadCommand, .commandParseError,
             .invalidArgument, .badKey, .badSchema, .schemaParseError, .badNamespace, .badValue,
             .masterBadSchema, .invalidOperation, .incompatibleOptions, .badFormat,
             .hqlBadLoadFileFormat, .tooManyColumns, .invalidPseudoTableName:
            return 400
        case .notAllowed:
            return 403
        case .tableNotFound, .rangeserverTableNotFound, .namespaceDoesNotExist, .columnFamilyNotFound,
             .masterBadColumnFamily, .fileNotFound, .rangeserverTableDropped, .rangeserverInvalidColumnfamily:
            return 404
        case .nameAlreadyInUse, .namespaceExists, .alreadyExists, .masterTableExists, .hyperspaceDirNotEmpty,
             .hyperspaceFileExists:
            return 409
        case .unsupportedOperation, .notImplemented:
            return 501
        case .requestTimeout:
            return 504
        case .serverShuttingDown, .serverNotReady:
            return 503
        default:
            return 502
        }
    }

    public static func problem(for exception: ClientException) -> Problem {
        let status = status(forCode: exception.code)
        let title: String
        switch status {
        case 400: title = "Bad Request"
        case 403: title = "Forbidden"
        case 404: title = "Not Found"
        case 409: title = "Conflict"
        case 501: title = "Not Implemented"
        case 503: title = "Service Unavailable"
        case 504: title = "Gateway Timeout"
        default: title = "Bad Gateway"
        }
        let name = exception.name
        return Problem(status: status, title: title, detail: exception.message,
                       type: "/problems/hypertable/" + (name ?? String(exception.code)).lowercased(),
                       hypertableCode: exception.code, hypertableName: name,
                       retryAfter: status == 503 ? 1 : nil)
    }

    public static func problem(for error: ConnectionPoolError) -> Problem {
        switch error {
        case .waitTimeout:
            return Problem(status: 503, title: "Service Unavailable", detail: error.description,
                           type: "/problems/pool-exhausted", retryAfter: 1)
        case .poolClosed:
            return Problem(status: 503, title: "Service Unavailable", detail: "the gateway is shutting down",
                           type: "/problems/shutting-down", retryAfter: 1)
        case .connectFailed(let underlying):
            return Problem(status: 502, title: "Bad Gateway", detail: "cannot connect to the broker: \(underlying)",
                           type: "/problems/broker-unreachable")
        }
    }

    static func problem(for error: SchemaReferenceError) -> Problem {
        let (status, code, detail): (Int, HypertableErrorCode, String)
        switch error {
        case .notACounterFamily(let name):
            return Problem.badRequest("column family \"\(name)\" is not a COUNTER family: write it with POST .../cells")
        case .columnFamilyExists(let name):
            (status, code, detail) = (409, .alreadyExists, "column family \"\(name)\" already exists")
        case .columnFamilyNotFound(let name):
            (status, code, detail) = (404, .columnFamilyNotFound, "column family \"\(name)\" does not exist")
        case .accessGroupExists(let name):
            (status, code, detail) = (409, .alreadyExists, "access group \"\(name)\" already exists")
        case .accessGroupNotFound(let name):
            (status, code, detail) = (404, .badSchema, "access group \"\(name)\" does not exist")
        }
        return Problem(status: status, title: status == 409 ? "Conflict" : "Not Found", detail: detail,
                       type: "/problems/hypertable/" + code.name.lowercased(),
                       hypertableCode: code.rawValue, hypertableName: code.name)
    }

    /// A statement whose parameters cannot be bound is the client's mistake: 400, with
    /// Hypertable's HQL_PARSE_ERROR as for any statement that does not parse.
    static func problem(for error: HQLBindingError) -> Problem {
        Problem(status: 400, title: "Bad Request", detail: "cannot bind the parameters: \(error)",
                type: "/problems/hql-parameters",
                hypertableCode: HypertableErrorCode.hqlParseError.rawValue,
                hypertableName: HypertableErrorCode.hqlParseError.name)
    }

    /// A page cursor the gateway will not continue is the client's to replace: 400, with a
    /// type per reason so that a client can tell "start again" (expired) from a bug.
    static func problem(for error: CursorError) -> Problem {
        let type: String
        switch error {
        case .invalid: type = "/problems/invalid-cursor"
        case .expired: type = "/problems/cursor-expired"
        case .foreign: type = "/problems/foreign-cursor"
        case .tooLarge: type = "/problems/cursor-too-large"
        }
        return Problem(status: 400, title: "Bad Request", detail: error.description, type: type)
    }

    /// 429 (RFC 6585 §4) with `Retry-After` in seconds (RFC 9110 §10.2.3) and the limit in the
    /// fields of draft-ietf-httpapi-ratelimit-headers-10: `RateLimit-Policy` names the policy
    /// with its quota `q` per window `w` seconds (a token bucket's burst, or its rate over the
    /// time to refill one burst, whichever is more), `RateLimit` its remaining quota `r` (0)
    /// and `t`, the seconds until a request is allowed again.
    public static func problem(for error: RateLimitExceeded) -> Problem {
        var problem = Problem(status: 429, title: "Too Many Requests", detail: error.description,
                              type: "/problems/rate-limited", retryAfter: error.retryAfterSeconds)
        problem.headers = [
            ("RateLimit-Policy", "\"\(error.policy)\";q=\(error.limit.quota);w=\(error.limit.windowSeconds)"),
            ("RateLimit", "\"\(error.policy)\";r=0;t=\(error.retryAfterSeconds)"),
        ]
        return problem
    }

    static func transportProblem(for error: any Error) -> Problem {
        guard let brokerError = error as? BrokerCallError else {
            return Problem(status: 500, title: "Internal Server Error", detail: String(describing: error),
                           type: "/problems/internal")
        }
        switch brokerError {
        case .timedOut:
            return Problem(status: 504, title: "Gateway Timeout",
                           detail: "the broker did not answer in time (\(brokerError))",
                           type: "/problems/broker-timeout")
        case .connectionFailed, .connectionUnusable:
            return Problem(status: 502, title: "Bad Gateway",
                           detail: "the broker connection failed: \(brokerError)",
                           type: "/problems/broker-unreachable")
        case .replyTooLarge, .requestTooLarge, .malformedReply, .applicationException:
            return Problem(status: 502, title: "Bad Gateway",
                           detail: "the broker sent a reply that could not be understood: \(brokerError)",
                           type: "/problems/broker-protocol")
        }
    }
}

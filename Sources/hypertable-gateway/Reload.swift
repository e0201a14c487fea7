import Gateway
import Logging

/// What SIGHUP does: rereads tokens, JWT keys, CORS origins and the TLS identity
/// (`Gateway.reload`) from `environment` (the start's, flags included), logging what it put in
/// place or why it kept the old settings.
func reload(_ gateway: Gateway, environment: [String: String], logger: Logger) {
    do {
        let summary = try gateway.reload(environment: environment)
        logger.notice("reloaded", metadata: ["settings": "\(summary)"])
    } catch {
        logger.error("reload refused, old settings kept", metadata: ["reason": "\(error)"])
    }
}

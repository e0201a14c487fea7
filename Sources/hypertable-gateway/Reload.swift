import Foundation
import Gateway

/// What SIGHUP does: rereads tokens, JWT keys, CORS origins and the TLS identity
/// (`Gateway.reload`) from `environment` (the start's, flags included), logging what it put in
/// place or why it kept the old settings.
func reload(_ gateway: Gateway, environment: [String: String]) {
    do {
        let summary = try gateway.reload(environment: environment)
        logLine(#"{"msg":"reloaded","settings":"\#(summary)"}"#)
    } catch {
        logLine(#"{"msg":"reload refused, old settings kept","reason":\#(jsonString(String(describing: error)))}"#)
    }
}

/// A JSON string literal for a log field.
func jsonString(_ text: String) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed]),
          let array = String(data: data, encoding: .utf8) else { return "\"\"" }
    return String(array.dropFirst().dropLast())
}

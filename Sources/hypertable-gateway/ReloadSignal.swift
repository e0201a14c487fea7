import Dispatch
import Foundation
import Gateway

/// SIGHUP: rereads tokens, JWT keys, CORS origins and the TLS identity (`Gateway.reload`),
/// logging what it put in place or why it kept the old settings. Caught from the moment it is
/// made, so a SIGHUP never ends the process the default way.
final class ReloadSignal: @unchecked Sendable {
    private let queue = DispatchQueue(label: "signals.reload")
    private let source: any DispatchSourceSignal

    init() {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
    }

    /// From now on each SIGHUP reloads `gateway` from `environment` (the start's, flags included).
    func start(gateway: Gateway, environment: [String: String]) {
        source.setEventHandler { @Sendable in
            do {
                let summary = try gateway.reload(environment: environment)
                logLine(#"{"msg":"reloaded","settings":"\#(summary)"}"#)
            } catch {
                logLine(#"{"msg":"reload refused, old settings kept","reason":\#(jsonString(String(describing: error)))}"#)
            }
        }
        source.resume()
    }

    func stop() {
        source.cancel()
    }
}

/// A JSON string literal for a log field.
func jsonString(_ text: String) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed]),
          let array = String(data: data, encoding: .utf8) else { return "\"\"" }
    return String(array.dropFirst().dropLast())
}

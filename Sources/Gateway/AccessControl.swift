import HTTPServer
import Support

/// The settings a reload (SIGHUP) may replace while requests run: tokens, JWT keys and CORS
/// origins, held as one immutable `Snapshot` behind one lock. A request takes the snapshot
/// once when its head arrives; a reload swaps the whole snapshot, so no request ever sees
/// new tokens with old keys.
final class AccessControl: Sendable {
    final class Snapshot: Sendable {
        let policy: AccessPolicy
        /// nil when the policy has neither tokens nor JWT keys: every request passes.
        let authorizer: RequestAuthorizer?
        /// nil when CORS is off.
        let cors: CORSResponder?

        init(policy: AccessPolicy, cors: CORSPolicy, routes: HTTPRouter) {
            self.policy = policy
            authorizer = policy.isEnabled ? RequestAuthorizer(policy: policy, cors: cors) : nil
            self.cors = cors.isEnabled ? CORSResponder(policy: cors, routes: routes) : nil
        }
    }

    private let routes: HTTPRouter
    private let state: Locked<Snapshot>

    init(policy: AccessPolicy, cors: CORSPolicy, routes: HTTPRouter) {
        self.routes = routes
        state = Locked(Snapshot(policy: policy, cors: cors, routes: routes))
    }

    var snapshot: Snapshot { state.current }

    func replace(policy: AccessPolicy, cors: CORSPolicy) {
        let fresh = Snapshot(policy: policy, cors: cors, routes: routes)
        state.withLock { $0 = fresh }
    }
}

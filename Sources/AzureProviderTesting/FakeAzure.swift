import Foundation
import Synchronization

/// A fake Azure: ARM (compute + network lists and gets, official payload shapes, `nextLink` paging, ARM
/// error bodies, role scopes), Azure Resource Graph, and the token endpoints (Entra v2 with client secrets
/// and certificate assertions, IMDS, App Service), over real HTTP on loopback.
///
/// Counts every request by operation so tests can assert the cost of a discovery cycle. The concerns
/// live in their own files: routing and state here, `+Lists` (list operations and paging), `+Gets`
/// (single resources), `+ResourceGraph`, `+Authorization` (role scopes), `+Tokens`, `+Payloads`.
public final class FakeAzure: Sendable {
    public struct State: Sendable {
        public var fleet: FakeFleet {
            didSet { encodedLists = [:] }
        }
        /// Every item of a list, JSON-encoded once per fleet: large fleets are paged many times.
        public var encodedLists: [String: [[UInt8]]] = [:]
        public var pageSize = 1000
        public var counts: [Operation: Int] = [:]
        public var requests: [FakeRequest] = []
        /// Answer the next N requests of an operation with 429 and these headers.
        public var throttles: [Operation: (remaining: Int, headers: [(String, String)])] = [:]
        /// Answer every request for this page (operation, 0-based page index) with this status.
        public var failures: [Operation: (page: Int, status: Int)] = [:]
        /// Answer the next N IMDS requests with this status.
        public var imdsFailures: (remaining: Int, status: Int) = (0, 0)
        public var issuedTokens: [String] = []
        /// `expires_in` as a JSON number (Entra v2) or string.
        public var tokenLifetime = 3600
        public var tokenExpiryAsString = false
        public var acceptedSecret = "s3cr3t-value"
        /// The server's own base URL: nextLinks are absolute.
        public var baseURLForLinks = ""
        /// Where the identity holds Reader: nil for the whole subscription, else these resource groups
        /// (any spelling). Every request outside them, subscription-scope lists included, gets 403.
        public var readableResourceGroups: Set<String>?
        /// Answer every Resource Graph query with 403.
        public var resourceGraphDenied = false
        /// Rows per Resource Graph page at most (the service's own limit is 1000).
        public var resourceGraphPageSize = 1000
        /// Queries left in the current Resource Graph quota window; at 0 the next query gets 429 and the
        /// window starts again.
        public var resourceGraphQuotaRemaining = 15
        public var resourceGraphQuotaResetsAfter = "00:00:05"
        /// Certificates (DER) registered on the app: a client assertion signed by one of their keys is
        /// accepted.
        public var registeredCertificates: [[UInt8]] = []
        /// `jti`s of the assertions already redeemed: a replayed assertion is refused.
        public var redeemedAssertionIDs: Set<String> = []
        public var lastCertificateAssertion: ReceivedAssertion?
        /// The fake's clock for assertion lifetimes.
        public var now: @Sendable () -> Date = { Date() }
    }

    public enum Operation: String, Sendable, CaseIterable {
        case virtualMachines = "VM list"
        case virtualMachineStatuses = "VM list (statusOnly)"
        case networkInterfaces = "NIC list"
        case publicIPAddresses = "public IP list"
        case scaleSets = "scale set list"
        case scaleSetInstances = "scale set instances"
        case scaleSetNetworkInterfaces = "scale set NICs"
        case scaleSetPublicIPAddresses = "scale set public IPs"
        case resourceGraph = "Resource Graph query"
        case virtualMachineInstanceView = "VM instance view"
        case networkInterface = "NIC get"
        case publicIPAddress = "public IP get"
        case entraToken = "token (Entra)"
        case imdsToken = "token (IMDS)"
        case appServiceToken = "token (App Service)"
        case unknown

        var isARM: Bool {
            switch self {
            case .entraToken, .imdsToken, .appServiceToken, .unknown: false
            default: true
            }
        }
    }

    public let state: Mutex<State>
    private let serverBox = Mutex<FakeHTTPServer?>(nil)

    public init(fleet: FakeFleet = FakeFleet()) {
        state = Mutex(State(fleet: fleet))
    }

    public var baseURL: String { serverBox.withLock { $0?.baseURL ?? "" } }

    public func start(tls: Bool = false) async throws {
        let server = try await FakeHTTPServer.start(tls: tls) { [self] request in self.handle(request) }
        serverBox.withLock { $0 = server }
        state.withLock { $0.baseURLForLinks = server.baseURL }
    }

    public func stop() async {
        let server = serverBox.withLock { $0 }
        await server?.stop()
    }

    // MARK: - Counters

    public func count(_ operation: Operation) -> Int { state.withLock { $0.counts[operation] ?? 0 } }
    public var armRequestCount: Int { state.withLock { $0.counts.filter { $0.key.isARM }.values.reduce(0, +) } }
    public var tokenRequestCount: Int {
        state.withLock { ($0.counts[.entraToken] ?? 0) + ($0.counts[.imdsToken] ?? 0) + ($0.counts[.appServiceToken] ?? 0) }
    }
    public func resetCounts() { state.withLock { $0.counts = [:]; $0.requests = [] } }
    public var requests: [FakeRequest] { state.withLock { $0.requests } }

    // MARK: - Routing

    public func handle(_ request: FakeRequest) -> FakeResponse {
        let operation = Self.operation(of: request)
        return state.withLock { state in
            state.counts[operation, default: 0] += 1
            state.requests.append(request)
            switch operation {
            case .entraToken: return Self.entraToken(request, &state)
            case .imdsToken: return Self.imdsToken(request, &state)
            case .appServiceToken: return Self.appServiceToken(request, &state)
            case .unknown: return Self.armError(404, "ResourceNotFound", "no such route in the fake: \(request.path)")
            default: break
            }
            guard let authorization = request.header("Authorization"), authorization.hasPrefix("Bearer "),
                state.issuedTokens.contains(String(authorization.dropFirst("Bearer ".count)))
            else {
                return Self.armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid.")
            }
            if let refusal = Self.authorize(operation, request, state) { return refusal }
            if var throttle = state.throttles[operation], throttle.remaining > 0 {
                throttle.remaining -= 1
                state.throttles[operation] = throttle
                return Self.armError(
                    429, "TooManyRequests", "The request is being throttled.", headers: throttle.headers
                )
            }
            switch operation {
            case .resourceGraph: return Self.resourceGraph(request, &state)
            case .virtualMachineInstanceView, .networkInterface, .publicIPAddress: return Self.get(operation, request, state)
            default: break
            }
            let page = Int(request.query["$skiptoken"] ?? "0") ?? 0
            if let failure = state.failures[operation], failure.page == page {
                return Self.armError(failure.status, "InternalServerError", "The server encountered an internal error.")
            }
            return Self.list(operation, request, page: page, &state)
        }
    }

    public static func operation(of request: FakeRequest) -> Operation {
        let path = request.path.lowercased()
        if request.method == "POST", path.hasSuffix("/oauth2/v2.0/token") { return .entraToken }
        if path == "/metadata/identity/oauth2/token" { return .imdsToken }
        if path == "/msi/token" { return .appServiceToken }
        if request.method == "POST", path == "/providers/microsoft.resourcegraph/resources" { return .resourceGraph }
        if path.contains("/providers/microsoft.compute/virtualmachines/"), path.hasSuffix("/instanceview") {
            return .virtualMachineInstanceView
        }
        if path.contains("/providers/microsoft.network/networkinterfaces/") { return .networkInterface }
        if path.contains("/providers/microsoft.network/publicipaddresses/") { return .publicIPAddress }
        if path.hasSuffix("/providers/microsoft.compute/virtualmachines") {
            return request.query["statusOnly"] == "true" ? .virtualMachineStatuses : .virtualMachines
        }
        if path.hasSuffix("/providers/microsoft.network/networkinterfaces") { return .networkInterfaces }
        if path.hasSuffix("/providers/microsoft.network/publicipaddresses") { return .publicIPAddresses }
        if path.hasSuffix("/providers/microsoft.compute/virtualmachinescalesets") { return .scaleSets }
        if path.contains("/virtualmachinescalesets/") {
            if path.hasSuffix("/virtualmachines") { return .scaleSetInstances }
            if path.hasSuffix("/networkinterfaces") { return .scaleSetNetworkInterfaces }
            if path.hasSuffix("/publicipaddresses") { return .scaleSetPublicIPAddresses }
        }
        return .unknown
    }

    // MARK: - Helpers

    public static func json(_ status: Int, _ object: Any, headers: [(String, String)] = []) -> FakeResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return FakeResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: Array(data))
    }

    /// ARM's error shape.
    public static func armError(_ status: Int, _ code: String, _ message: String, headers: [(String, String)] = []) -> FakeResponse {
        json(status, ["error": ["code": code, "message": message]], headers: headers)
    }

    public static func unsupportedAPIVersion(_ version: String) -> FakeResponse {
        armError(400, "NoRegisteredProviderFound", "No registered resource provider found for API version '\(version)'.")
    }
}

extension FakeAzure {
    /// The `azure:` section of a discoveryd configuration that discovers this fake's fleet over HTTPS, trusting
    /// the test CA and logging in with the client secret read from `clientSecretVariable`.
    public func discoverydConfigurationSection(clientSecretVariable: String) -> String {
        let subscription = state.withLock { $0.fleet.subscriptionID }
        return """
            azure:
              subscription_id: "\(subscription)"
              credential_type: client_secret
              tenant_id: contoso.onmicrosoft.com
              client_id: 11111111-2222-3333-4444-555555555555
              client_secret: ${\(clientSecretVariable)}
              cloud:
                resource_manager: \(baseURL)
                authority_host: \(baseURL)
              ca_file: \(TestPKI.certificateAuthorityFile)

            """
    }
}

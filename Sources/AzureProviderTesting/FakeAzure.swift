import Foundation
import Synchronization

/// A fake Azure: ARM (compute + network lists, official payload shapes, `nextLink` paging, ARM error
/// bodies) and the token endpoints (Entra v2, IMDS, App Service), over real HTTP on loopback.
///
/// Counts every request by operation so tests can assert the cost of a discovery cycle.
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
            if var throttle = state.throttles[operation], throttle.remaining > 0 {
                throttle.remaining -= 1
                state.throttles[operation] = throttle
                return Self.armError(
                    429, "TooManyRequests", "The request is being throttled.", headers: throttle.headers
                )
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

    // MARK: - ARM lists

    private static func list(_ operation: Operation, _ request: FakeRequest, page: Int, _ state: inout State) -> FakeResponse {
        var query = request.query
        query["$skiptoken"] = nil
        let cacheKey = "\(operation.rawValue) \(request.path.lowercased())?\(query.sorted { $0.key < $1.key })"
        let items: [[UInt8]]
        if let cached = state.encodedLists[cacheKey] {
            items = cached
        } else {
            switch allItems(operation, request, state.fleet) {
            case .failure(let error): return error.response
            case .success(let objects):
                items = objects.map { Array((try? JSONSerialization.data(withJSONObject: $0)) ?? Data()) }
                state.encodedLists[cacheKey] = items
            }
        }

        let start = page * state.pageSize
        let slice = start < items.count ? items[start..<min(items.count, start + state.pageSize)] : []
        var body = Array(#"{"value":["#.utf8)
        body += Array(slice.joined(separator: Array(",".utf8)))
        body += Array("]".utf8)
        if start + state.pageSize < items.count {
            query["$skiptoken"] = String(page + 1)
            let queryText = query.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.value)" }
                .joined(separator: "&")
            body += Array(#","nextLink":"\#(state.baseURLForLinks)\#(request.path)?\#(queryText)""#.utf8)
        }
        body += Array("}".utf8)
        return FakeResponse(status: 200, headers: [("Content-Type", "application/json; charset=utf-8")], body: body)
    }

    public struct ErrorResponse: Error {
        var response: FakeResponse
        init(_ response: FakeResponse) { self.response = response }
    }

    /// Every item the list operation returns, or the error ARM would answer instead.
    private static func allItems(_ operation: Operation, _ request: FakeRequest, _ fleet: FakeFleet) -> Result<[Any], ErrorResponse> {
        let path = request.path.lowercased()
        let apiVersion = request.query["api-version"] ?? ""
        let subscription = "/subscriptions/\(fleet.subscriptionID)".lowercased()
        guard path.hasPrefix(subscription) else {
            return .failure(ErrorResponse(armError(404, "SubscriptionNotFound", "The subscription could not be found.")))
        }
        // `/subscriptions/{s}/resourceGroups/{rg}/providers/...` scopes a list to one group.
        let resourceGroup: String? = {
            let parts = path.split(separator: "/")
            guard parts.count > 3, parts[2] == "resourcegroups" else { return nil }
            return String(parts[3])
        }()
        func inScope(_ group: String) -> Bool { resourceGroup == nil || resourceGroup == group.lowercased() }

        var items: [Any] = []
        switch operation {
        case .virtualMachines, .virtualMachineStatuses:
            guard apiVersion == "2024-03-01" else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            if operation == .virtualMachineStatuses, resourceGroup != nil {
                return .failure(ErrorResponse(armError(400, "InvalidParameter", "statusOnly is only supported on the subscription-wide list.")))
            }
            for machine in fleet.machines where inScope(machine.resourceGroup) {
                items.append(
                    operation == .virtualMachineStatuses
                        ? statusPayload(machine, fleet) : machinePayload(machine, fleet, scaleSet: nil, instanceView: false)
                )
            }
        case .networkInterfaces:
            guard apiVersion == "2023-05-01" else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            for machine in fleet.machines where inScope(machine.resourceGroup) && machine.hasNetworkInterface {
                items.append(nicPayload(machine, fleet, scaleSet: nil))
            }
        case .publicIPAddresses:
            guard apiVersion == "2023-05-01" else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            for machine in fleet.machines where inScope(machine.resourceGroup) && machine.publicIP != nil {
                items.append(publicIPPayload(machine, fleet, scaleSet: nil))
            }
        case .scaleSets:
            guard apiVersion == "2024-03-01" else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            for scaleSet in fleet.scaleSets where inScope(scaleSet.resourceGroup) {
                items.append(scaleSetPayload(scaleSet, fleet))
            }
        case .scaleSetInstances, .scaleSetNetworkInterfaces, .scaleSetPublicIPAddresses:
            let expectedVersion = operation == .scaleSetInstances ? "2024-03-01" : "2018-10-01"
            guard apiVersion == expectedVersion else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            guard
                let scaleSet = fleet.scaleSets.first(where: {
                    path.hasPrefix(scaleSetID($0, fleet).lowercased() + "/")
                })
            else { return .failure(ErrorResponse(armError(404, "ResourceNotFound", "The Resource was not found."))) }
            if scaleSet.mode == "Flexible" {
                // What ARM answers for the Uniform-only operations on a Flexible scale set.
                return .failure(ErrorResponse(armError(
                    409, "OperationNotAllowed",
                    "Operation 'VirtualMachineScaleSets.virtualMachines.GET' is not allowed on Virtual Machine Scale Set '\(scaleSet.name)'."
                )))
            }
            for machine in scaleSet.instances {
                switch operation {
                case .scaleSetInstances:
                    items.append(
                        machinePayload(machine, fleet, scaleSet: scaleSet, instanceView: request.query["$expand"] == "instanceView")
                    )
                case .scaleSetNetworkInterfaces:
                    if machine.hasNetworkInterface { items.append(nicPayload(machine, fleet, scaleSet: scaleSet)) }
                default:
                    if machine.publicIP != nil { items.append(publicIPPayload(machine, fleet, scaleSet: scaleSet)) }
                }
            }
        default:
            return .failure(ErrorResponse(armError(404, "ResourceNotFound", "no such route")))
        }

        return .success(items)
    }

    // MARK: - Payloads (shapes of the official examples)

    public static func resourceGroupPath(_ fleet: FakeFleet, _ group: String) -> String {
        "/subscriptions/\(fleet.subscriptionID)/resourceGroups/\(group)"
    }

    public static func scaleSetID(_ scaleSet: FakeScaleSet, _ fleet: FakeFleet) -> String {
        "\(resourceGroupPath(fleet, scaleSet.resourceGroup))/providers/Microsoft.Compute/virtualMachineScaleSets/\(scaleSet.name)"
    }

    public static func machineID(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> String {
        if let scaleSet {
            let index = machine.name.split(separator: "_").last.map(String.init) ?? "0"
            return "\(scaleSetID(scaleSet, fleet))/virtualMachines/\(index)"
        }
        return "\(resourceGroupPath(fleet, machine.resourceGroup))/providers/Microsoft.Compute/virtualMachines/\(machine.name)"
    }

    public static func nicID(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> String {
        if scaleSet != nil { return "\(machineID(machine, fleet, scaleSet: scaleSet))/networkInterfaces/nic0" }
        return "\(resourceGroupPath(fleet, machine.resourceGroup))/providers/Microsoft.Network/networkInterfaces/\(machine.name)-nic"
    }

    public static func publicIPID(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> String {
        if scaleSet != nil { return "\(nicID(machine, fleet, scaleSet: scaleSet))/ipConfigurations/ipconfig1/publicIPAddresses/pip" }
        return "\(resourceGroupPath(fleet, machine.resourceGroup))/providers/Microsoft.Network/publicIPAddresses/\(machine.name)-ip"
    }

    public static func statuses(_ machine: FakeMachine) -> [[String: Any]] {
        [
            ["code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded"],
            ["code": "PowerState/\(machine.powerState)", "level": "Info", "displayStatus": "VM \(machine.powerState)"],
        ]
    }

    public static func machinePayload(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?, instanceView: Bool) -> [String: Any] {
        var properties: [String: Any] = [
            "hardwareProfile": ["vmSize": "Standard_D2s_v5"],
            "osProfile": ["computerName": machine.name, "adminUsername": "azureuser"],
            "networkProfile": [
                "networkInterfaces": [["id": nicID(machine, fleet, scaleSet: scaleSet), "properties": ["primary": true]]]
            ],
            "provisioningState": "Succeeded",
        ]
        if let flexible = machine.flexibleScaleSet, let set = fleet.scaleSets.first(where: { $0.name == flexible }) {
            properties["virtualMachineScaleSet"] = ["id": scaleSetID(set, fleet)]
        }
        if instanceView {
            properties["instanceView"] = ["statuses": statuses(machine)]
        }
        var payload: [String: Any] = [
            "id": machineID(machine, fleet, scaleSet: scaleSet),
            "name": machine.name,
            "type": scaleSet == nil ? "Microsoft.Compute/virtualMachines" : "Microsoft.Compute/virtualMachineScaleSets/virtualMachines",
            "location": machine.location,
            "tags": machine.tags,
            "properties": properties,
        ]
        if let zone = machine.zone { payload["zones"] = [zone] }
        if let scaleSet, let index = machine.name.split(separator: "_").last {
            payload["instanceId"] = String(index)
            payload["name"] = "\(scaleSet.name)_\(index)"
        }
        return payload
    }

    /// What `statusOnly=true` is documented to carry: run-time status; no tags, no network profile.
    public static func statusPayload(_ machine: FakeMachine, _ fleet: FakeFleet) -> [String: Any] {
        [
            "id": machineID(machine, fleet, scaleSet: nil),
            "name": machine.name,
            "type": "Microsoft.Compute/virtualMachines",
            "location": machine.location,
            "properties": ["instanceView": ["computerName": machine.name, "statuses": statuses(machine)]],
        ]
    }

    public static func nicPayload(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> [String: Any] {
        let nic = nicID(machine, fleet, scaleSet: scaleSet)
        var ipProperties: [String: Any] = [
            "provisioningState": "Succeeded",
            "privateIPAddress": machine.privateIP,
            "privateIPAllocationMethod": "Dynamic",
            "subnet": ["id": "\(resourceGroupPath(fleet, "rg-net"))/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"],
            "primary": true,
            "privateIPAddressVersion": "IPv4",
        ]
        if machine.privateIP.contains("/"), let length = machine.privateIP.split(separator: "/").last {
            ipProperties["privateIPAddressPrefixLength"] = Int(length)
        }
        if machine.publicIP != nil {
            ipProperties["publicIPAddress"] = ["id": publicIPID(machine, fleet, scaleSet: scaleSet)]
        }
        return [
            "name": nic.split(separator: "/").last.map(String.init) ?? "nic",
            "id": nic,
            "location": machine.location,
            "type": "Microsoft.Network/networkInterfaces",
            "properties": [
                "provisioningState": "Succeeded",
                "ipConfigurations": [["name": "ipconfig1", "id": "\(nic)/ipConfigurations/ipconfig1", "properties": ipProperties]],
                "primary": true,
                "virtualMachine": ["id": machineID(machine, fleet, scaleSet: scaleSet)],
            ],
        ]
    }

    public static func publicIPPayload(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> [String: Any] {
        [
            "name": "\(machine.name)-ip",
            "id": publicIPID(machine, fleet, scaleSet: scaleSet),
            "location": machine.location,
            "type": "Microsoft.Network/publicIPAddresses",
            "properties": [
                "provisioningState": "Succeeded",
                "ipAddress": machine.publicIP ?? "",
                "publicIPAddressVersion": "IPv4",
                "publicIPAllocationMethod": "Static",
                "ipConfiguration": ["id": "\(nicID(machine, fleet, scaleSet: scaleSet))/ipConfigurations/ipconfig1"],
            ],
        ]
    }

    public static func scaleSetPayload(_ scaleSet: FakeScaleSet, _ fleet: FakeFleet) -> [String: Any] {
        var properties: [String: Any] = ["provisioningState": "Succeeded", "platformFaultDomainCount": 1]
        if let mode = scaleSet.mode { properties["orchestrationMode"] = mode }
        return [
            "name": scaleSet.name,
            "id": scaleSetID(scaleSet, fleet),
            "type": "Microsoft.Compute/virtualMachineScaleSets",
            "location": scaleSet.location,
            "tags": scaleSet.tags,
            "sku": ["name": "Standard_D2s_v5", "tier": "Standard", "capacity": scaleSet.instances.count],
            "properties": properties,
        ]
    }

    // MARK: - Token endpoints

    private static func issue(_ state: inout State, stringExpiry: Bool) -> FakeResponse {
        let token = "fake-token-\(state.issuedTokens.count + 1)"
        state.issuedTokens.append(token)
        let lifetime = state.tokenLifetime
        let expiresIn: Any = stringExpiry ? String(lifetime) : lifetime
        var body: [String: Any] = ["token_type": "Bearer", "expires_in": expiresIn, "ext_expires_in": expiresIn, "access_token": token]
        if stringExpiry {
            body["expires_on"] = String(Int(Date().timeIntervalSince1970) + lifetime)
            body["resource"] = "https://management.azure.com/"
        }
        return json(200, body)
    }

    private static func entraToken(_ request: FakeRequest, _ state: inout State) -> FakeResponse {
        let form = request.form
        guard form["grant_type"] == "client_credentials", form["client_id"]?.isEmpty == false,
            form["scope"]?.hasSuffix("/.default") == true
        else {
            return json(400, ["error": "invalid_request", "error_description": "AADSTS900144: The request body must contain the following parameter: 'grant_type'."])
        }
        if let secret = form["client_secret"] {
            guard secret == state.acceptedSecret else {
                return json(401, [
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: 1",
                ])
            }
        } else {
            guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                form["client_assertion"]?.isEmpty == false
            else {
                return json(400, ["error": "invalid_request", "error_description": "AADSTS90014: client_assertion missing."])
            }
        }
        return issue(&state, stringExpiry: state.tokenExpiryAsString)
    }

    private static func imdsToken(_ request: FakeRequest, _ state: inout State) -> FakeResponse {
        guard request.header("Metadata") == "true" else {
            return json(400, ["error": "invalid_request", "error_description": "Required metadata header not specified"])
        }
        if state.imdsFailures.remaining > 0 {
            state.imdsFailures.remaining -= 1
            return json(state.imdsFailures.status, ["error": "temporarily_unavailable", "error_description": "IMDS is busy"])
        }
        guard request.query["resource"]?.isEmpty == false else {
            return json(400, ["error": "invalid_request", "error_description": "resource missing"])
        }
        return issue(&state, stringExpiry: true)
    }

    private static func appServiceToken(_ request: FakeRequest, _ state: inout State) -> FakeResponse {
        guard request.header("X-IDENTITY-HEADER") == "app-service-secret", request.query["api-version"] == "2019-08-01" else {
            return json(400, ["error": "invalid_request", "error_description": "missing or wrong X-IDENTITY-HEADER"])
        }
        return issue(&state, stringExpiry: true)
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

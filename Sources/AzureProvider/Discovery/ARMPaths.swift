/// The ARM operations discovery uses, and their api-versions.
///
/// Versions are ones Azure's Go SDK (used by Prometheus) ships with, so they exist in the sovereign
/// clouds too. The scale-set NIC and public IP operations only accept `2018-10-01`.
enum ARMPaths {
    static let computeAPIVersion = "2024-03-01"
    static let networkAPIVersion = "2023-05-01"
    static let scaleSetNetworkAPIVersion = "2018-10-01"

    /// `/subscriptions/{s}` or `/subscriptions/{s}/resourceGroups/{rg}`.
    static func scopes(subscriptionID: String, resourceGroups: [String]) -> [String] {
        let subscription = "/subscriptions/\(subscriptionID)"
        guard !resourceGroups.isEmpty else { return [subscription] }
        return resourceGroups.map { "\(subscription)/resourceGroups/\($0)" }
    }

    static func virtualMachines(in scope: String) -> (path: String, query: [(String, String)]) {
        ("\(scope)/providers/Microsoft.Compute/virtualMachines", [("api-version", computeAPIVersion)])
    }

    /// Run-time status of every VM in the subscription. Only the subscription-wide list accepts
    /// `statusOnly`, so resource-group scoped discovery uses it too and joins by id.
    static func virtualMachineStatuses(subscriptionID: String) -> (path: String, query: [(String, String)]) {
        (
            "/subscriptions/\(subscriptionID)/providers/Microsoft.Compute/virtualMachines",
            [("api-version", computeAPIVersion), ("statusOnly", "true")]
        )
    }

    static func networkInterfaces(in scope: String) -> (path: String, query: [(String, String)]) {
        ("\(scope)/providers/Microsoft.Network/networkInterfaces", [("api-version", networkAPIVersion)])
    }

    static func publicIPAddresses(in scope: String) -> (path: String, query: [(String, String)]) {
        ("\(scope)/providers/Microsoft.Network/publicIPAddresses", [("api-version", networkAPIVersion)])
    }

    static func scaleSets(in scope: String) -> (path: String, query: [(String, String)]) {
        ("\(scope)/providers/Microsoft.Compute/virtualMachineScaleSets", [("api-version", computeAPIVersion)])
    }

    /// A Uniform scale set's instances with their instance view (power state) in the same call.
    static func scaleSetInstances(scaleSetID: String) -> (path: String, query: [(String, String)]) {
        ("\(scaleSetID)/virtualMachines", [("api-version", computeAPIVersion), ("$expand", "instanceView")])
    }

    static func scaleSetNetworkInterfaces(scaleSetID: String) -> (path: String, query: [(String, String)]) {
        ("\(scaleSetID)/networkInterfaces", [("api-version", scaleSetNetworkAPIVersion)])
    }

    static func scaleSetPublicIPAddresses(scaleSetID: String) -> (path: String, query: [(String, String)]) {
        ("\(scaleSetID)/publicipaddresses", [("api-version", scaleSetNetworkAPIVersion)])
    }
}

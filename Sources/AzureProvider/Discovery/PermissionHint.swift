/// Turns an ARM 403 into a message that names the scope that was refused and the role that would
/// allow it, so an operator can fix the role assignment without reading ARM's error codes.
enum PermissionHint {
    enum Scope: Sendable {
        case subscription(String)
        case resourceGroup(String, subscriptionID: String)
        case resource(String)

        var description: String {
            switch self {
            case .subscription(let id): "subscription \(id)"
            case .resourceGroup(let group, let subscriptionID): "resource group \(group) (subscription \(subscriptionID))"
            case .resource(let id): id
            }
        }
    }

    /// `error` unchanged unless it is a 403, else with the scope, the action and the fix appended.
    static func explain(_ error: any Error, action: String, scope: Scope) -> any Error {
        guard let error = error as? AzureProviderError, error.status == 403 else { return error }
        var message = error.message
            + ". The identity needs \(action) on \(scope.description): assign it the Reader role there"
        if case .subscription = scope {
            message += ", or set azure.resource_groups to the resource groups it may read"
        }
        return AzureProviderError(error.code, message, status: error.status)
    }

    /// Runs `body`, explaining a 403 it throws.
    static func checking<T>(action: String, scope: Scope, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw explain(error, action: action, scope: scope)
        }
    }
}

import Foundation

/// The token endpoints: Entra ID v2 (client credentials), IMDS and App Service managed identity.
extension FakeAzure {
    static func issue(_ state: inout State, stringExpiry: Bool) -> FakeResponse {
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

    static func entraToken(_ request: FakeRequest, _ state: inout State) -> FakeResponse {
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
            if let refusal = verifyCertificateAssertion(form, request, &state) { return refusal }
        }
        return issue(&state, stringExpiry: state.tokenExpiryAsString)
    }

    static func imdsToken(_ request: FakeRequest, _ state: inout State) -> FakeResponse {
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

    static func appServiceToken(_ request: FakeRequest, _ state: inout State) -> FakeResponse {
        guard request.header("X-IDENTITY-HEADER") == "app-service-secret", request.query["api-version"] == "2019-08-01" else {
            return json(400, ["error": "invalid_request", "error_description": "missing or wrong X-IDENTITY-HEADER"])
        }
        return issue(&state, stringExpiry: true)
    }
}

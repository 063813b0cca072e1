import Foundation
import HTTPSupport

/// A token endpoint's answer. Entra v2 sends `expires_in` as a number, IMDS and the v1 endpoint send
/// `expires_in`/`expires_on` as strings, older App Service endpoints a date string: all are accepted.
struct TokenResponse: Decodable {
    var accessToken: String
    var expiresIn: FlexibleNumber?
    var expiresOn: FlexibleNumber?

    private enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
        case expiresOn = "expires_on"
    }

    /// The token with its absolute expiry: `expires_on` when given, else `now + expires_in`.
    func accessToken(now: Date, endpoint: String) throws -> AccessToken {
        if let expiresOn, let date = expiresOn.dateValue {
            return AccessToken(token: accessToken, expiresOn: date)
        }
        if let expiresIn, let seconds = expiresIn.doubleValue {
            return AccessToken(token: accessToken, expiresOn: now.addingTimeInterval(seconds))
        }
        throw AzureProviderError(
            .invalidResponse, "token response from \(endpoint) has neither a usable expires_in nor expires_on"
        )
    }
}

/// A JSON number, or a string holding a number (or, for `expires_on`, a date).
struct FlexibleNumber: Decodable, Hashable {
    var raw: String

    init(_ raw: String) { self.raw = raw }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            raw = number.rounded() == number ? String(Int64(number)) : String(number)
        } else {
            raw = try container.decode(String.self)
        }
    }

    var doubleValue: Double? { Double(raw.trimmingCharacters(in: .whitespaces)) }

    /// Epoch seconds, or one of the date forms older endpoints use: azidentity's Go layout
    /// `1/2/2006 15:04:05 PM -07:00` (a 24-hour clock *with* AM/PM), ISO 8601.
    var dateValue: Date? {
        if let seconds = doubleValue { return Date(timeIntervalSince1970: seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        // The hour is already on a 24-hour clock; the AM/PM marker adds nothing.
        let withoutMarker = raw.replacingOccurrences(of: " PM", with: "").replacingOccurrences(of: " AM", with: "")
        formatter.dateFormat = "M/d/yyyy H:mm:ss xxx"
        if let date = formatter.date(from: withoutMarker) { return date }
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssXXXXX"
        if let date = formatter.date(from: raw) { return date }
        return nil
    }
}

/// An OAuth error answer: `{"error": "invalid_client", "error_description": "AADSTS7000215: ..."}`.
/// The description names the problem (never the secret), so it is safe to show.
struct OAuthErrorBody: Decodable {
    var error: String?
    var errorDescription: String?

    private enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }

    static func summary(_ response: HTTPResponseData) -> String {
        guard let body = try? JSONDecoder().decode(OAuthErrorBody.self, from: Data(response.body)) else {
            return "HTTP \(response.status)"
        }
        let firstLine = body.errorDescription?.split(whereSeparator: \.isNewline).first.map(String.init)
        return "HTTP \(response.status) \(body.error ?? "error")" + (firstLine.map { ": \($0)" } ?? "")
    }
}

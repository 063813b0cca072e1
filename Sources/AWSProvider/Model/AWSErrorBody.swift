/// The error body of the Query APIs, in either shape AWS uses:
/// EC2's `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>` and
/// the `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` of Auto Scaling
/// and STS.
struct AWSErrorBody: Sendable, Hashable {
    var code: String
    var message: String
    var requestID: String?

    init(code: String, message: String, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    /// Nil when the body is not XML or holds no `Error` element.
    init?(xml bytes: [UInt8]) {
        guard let root = try? XMLNode.parse(bytes), let error = root.first(named: "Error"),
            let code = error.string("Code")
        else { return nil }
        self.code = code
        self.message = error.string("Message") ?? ""
        self.requestID = root.string("RequestID") ?? root.string("RequestId")
    }
}

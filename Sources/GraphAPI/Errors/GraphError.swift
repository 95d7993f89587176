/// An error returned by the Graph API (the `{"error": {…}}` envelope, reference §6.1), with its classification.
///
/// Every text field has been scrubbed of the access token and proof of the call before it was stored here,
/// so `description` is safe to log.
public struct GraphError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status of the response (or of the batch item).
    public var httpStatus: Int
    /// `error.code`; `nil` when the body carried no Graph error (e.g. an HTML 502 page).
    public var code: Int?
    /// `error.error_subcode`.
    public var subcode: Int?
    /// `error.type`, e.g. `OAuthException`.
    public var type: String?
    /// `error.message` (Meta's text, scrubbed).
    public var message: String
    /// `error.error_user_title`.
    public var userTitle: String?
    /// `error.error_user_msg`.
    public var userMessage: String?
    /// `error.fbtrace_id` (or the `X-FB-Trace-ID` header); quote it to Meta support.
    public var fbtraceID: String?
    /// `error.is_transient` when present.
    public var isTransient: Bool?
    /// `error.error_data` as compact JSON text, when present.
    public var errorData: String?
    /// The retry class.
    public var classification: GraphErrorClassification

    public init(
        httpStatus: Int,
        code: Int?,
        subcode: Int? = nil,
        type: String? = nil,
        message: String,
        userTitle: String? = nil,
        userMessage: String? = nil,
        fbtraceID: String? = nil,
        isTransient: Bool? = nil,
        errorData: String? = nil
    ) {
        self.httpStatus = httpStatus
        self.code = code
        self.subcode = subcode
        self.type = type
        self.message = message
        self.userTitle = userTitle
        self.userMessage = userMessage
        self.fbtraceID = fbtraceID
        self.isTransient = isTransient
        self.errorData = errorData
        self.classification = GraphErrorClassification.classify(
            httpStatus: httpStatus,
            code: code,
            subcode: subcode,
            message: message,
            isTransient: isTransient
        )
    }

    /// Parses an error response body; any body without a Graph envelope becomes a code-less error for its status.
    /// - Parameters:
    ///   - redactor: Scrubs the call's token and proof from every text field.
    public init(httpStatus: Int, headers: [(name: String, value: String)], body: [UInt8], redactor: GraphRedactor) {
        let traceHeader = headers.first { $0.name.lowercased() == "x-fb-trace-id" }?.value
        guard let envelope = try? JSONValue.parse(body), let error = envelope["error"], error.objectValue != nil else {
            self.init(httpStatus: httpStatus, code: nil, message: "HTTP \(httpStatus) without a Graph error body", fbtraceID: traceHeader)
            return
        }
        self.init(httpStatus: httpStatus, json: error, fallbackTraceID: traceHeader, redactor: redactor)
    }

    /// Builds an error from the `error` object of an envelope.
    public init(httpStatus: Int, json error: JSONValue, fallbackTraceID: String? = nil, redactor: GraphRedactor) {
        let errorData: String? =
            switch error["error_data"] {
            case .string(let text)?: redactor.scrub(text)
            case let value? where !value.isNull: redactor.scrub(value.serialized())
            default: nil
            }
        self.init(
            httpStatus: httpStatus,
            code: error["code"]?.int64Value.map { Int($0) },
            subcode: error["error_subcode"]?.int64Value.map { Int($0) },
            type: error["type"]?.stringValue,
            message: redactor.scrub(error["message"]?.stringValue ?? ""),
            userTitle: error["error_user_title"]?.stringValue.map(redactor.scrub),
            userMessage: error["error_user_msg"]?.stringValue.map(redactor.scrub),
            fbtraceID: error["fbtrace_id"]?.stringValue ?? fallbackTraceID,
            isTransient: error["is_transient"]?.boolValue,
            errorData: errorData
        )
    }

    /// A low-cardinality label for metrics and log keys, e.g. `throttled.80004` or `transient.http_503`.
    public var shortDescription: String {
        if let code { return "\(self.classification.rawValue).\(code)" }
        return "\(self.classification.rawValue).http_\(self.httpStatus)"
    }

    /// Meta's message with the codes and trace id; safe to log (already scrubbed).
    public var description: String {
        var text = "Graph error"
        if let code { text += " \(code)" }
        if let subcode { text += "/\(subcode)" }
        if let type { text += " (\(type))" }
        text += " [\(self.classification.rawValue)] HTTP \(self.httpStatus): \(self.message)"
        if let userMessage { text += " — \(userMessage)" }
        if let fbtraceID { text += " fbtrace_id=\(fbtraceID)" }
        return text
    }
}

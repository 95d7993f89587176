/// The state of an async insights report job (an `AdReportRun`, reference §4.4).
public struct InsightsReportStatus: Sendable, Hashable {
    /// `async_status`, parsed.
    public enum State: String, Sendable, Hashable {
        case notStarted = "Job Not Started"
        case started = "Job Started"
        case running = "Job Running"
        case completed = "Job Completed"
        case failed = "Job Failed"
        case skipped = "Job Skipped"
        case unknown
    }

    /// The report run id.
    public var id: String
    public var state: State
    /// `async_status` as Graph sent it.
    public var asyncStatus: String
    /// `async_percent_completion` (0–100).
    public var percentCompletion: Int
    public var accountID: String?
    public var dateStart: String?
    public var dateStop: String?
    /// `error_code` and friends (returned by default from v25.0 when a job fails).
    public var errorCode: Int?
    public var errorSubcode: Int?
    public var errorMessage: String?
    public var errorUserTitle: String?
    public var errorUserMessage: String?

    public init(id: String, asyncStatus: String, percentCompletion: Int) {
        self.id = id
        self.asyncStatus = asyncStatus
        self.state = State(rawValue: asyncStatus) ?? .unknown
        self.percentCompletion = percentCompletion
    }

    /// Reads an `AdReportRun` node.
    public init(json: JSONValue, fallbackID: String) {
        self.init(
            id: json["id"]?.stringValue ?? fallbackID,
            asyncStatus: json["async_status"]?.stringValue ?? "",
            percentCompletion: Int(json["async_percent_completion"]?.int64Value ?? 0)
        )
        self.accountID = json["account_id"]?.stringValue
        self.dateStart = json["date_start"]?.stringValue
        self.dateStop = json["date_stop"]?.stringValue
        self.errorCode = json["error_code"]?.int64Value.map { Int($0) }
        self.errorSubcode = json["error_subcode"]?.int64Value.map { Int($0) }
        self.errorMessage = json["error_message"]?.stringValue
        self.errorUserTitle = json["error_user_title"]?.stringValue
        self.errorUserMessage = json["error_user_msg"]?.stringValue
    }

    /// Done and ready to read: `Job Completed` at 100 %.
    public var isComplete: Bool { self.state == .completed && self.percentCompletion >= 100 }

    /// The job's error fields in one line (or its status when it has none).
    public var errorDescription: String {
        var parts: [String] = []
        if let errorCode { parts.append("code \(errorCode)" + (self.errorSubcode.map { "/\($0)" } ?? "")) }
        if let errorMessage { parts.append(errorMessage) }
        if let errorUserMessage { parts.append(errorUserMessage) }
        return parts.isEmpty ? self.asyncStatus : parts.joined(separator: ": ")
    }
}

import Foundation

/// An async insights report run (`AdReportRun`).
struct ReportRun: Sendable {
    enum Outcome: Sendable {
        case completed
        case failed
        case skipped
    }

    let id: String
    let accountIndex: Int
    let query: InsightsQuery
    let createdAt: Date
    let outcome: Outcome
    var polls = 0
}

import Foundation
import Hummingbird
import MetaStore

extension DashboardController {
    static let runsPerPage = 50

    /// `GET /sync-runs`: every run, newest first, 50 per page (`?page=`), optionally one outcome (`?outcome=failed`).
    @Sendable func syncRuns(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let now = self.now()
        let query = request.uri.queryParameters
        let outcome = query["outcome"].flatMap { SyncRunRow.Outcome(rawValue: String($0)) }
        let pageNumber = max(0, min(10_000, query["page"].flatMap { Int(String($0)) } ?? 0))
        let result = try await self.store.syncRuns.page(outcome: outcome, offset: pageNumber * Self.runsPerPage, limit: Self.runsPerPage)
        let accounts = try await self.store.adAccounts.all()
        let names = Dictionary(accounts.map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { first, _ in first })
        var filters = [DashboardView.Link(href: "/sync-runs", label: "All", current: outcome == nil)]
        for candidate in [SyncRunRow.Outcome.failed, .partial, .running, .succeeded, .cancelled] {
            filters.append(
                DashboardView.Link(
                    href: Self.href("/sync-runs", [("outcome", candidate.rawValue)]),
                    label: DashboardView.Status.outcome(candidate).text,
                    current: outcome == candidate
                )
            )
        }
        func pageHref(_ number: Int) -> String {
            Self.href("/sync-runs", [("outcome", outcome?.rawValue), ("page", number == 0 ? nil : String(number))])
        }
        let page = DashboardView.SyncRunsPage(
            chrome: self.chrome("Sync runs", formatter),
            filters: filters,
            hasRuns: !result.rows.isEmpty,
            runs: result.rows.map { self.runView($0, accountNames: names, formatter: formatter, now: now) },
            newerHref: pageNumber > 0 ? pageHref(pageNumber - 1) : nil,
            olderHref: result.hasMore ? pageHref(pageNumber + 1) : nil
        )
        return self.renderer.render("syncRuns", page)
    }

    /// A run as the tables show it: duration, calls, rows, and the error split into Meta's message and `fbtrace_id`.
    func runView(_ run: SyncRunRow, accountNames: [String: String], formatter: DashboardFormatter, now: Date) -> DashboardView.Run {
        let counts = run.rowCounts
        let rows = counts.values.reduce(0, +)
        let duration: String
        if let finished = run.finishedAt {
            duration = formatter.duration(finished.timeIntervalSince(run.startedAt))
        } else {
            duration = "running for \(formatter.duration(now.timeIntervalSince(run.startedAt)))"
        }
        return DashboardView.Run(
            id: run.id,
            started: formatter.dateTime(run.startedAt),
            age: formatter.age(of: run.startedAt, now: now),
            kind: run.kind,
            account: run.accountID.map { accountNames[$0] ?? $0 } ?? "all accounts",
            accountHref: run.accountID.flatMap { accountNames[$0] == nil ? nil : "/accounts/\($0)" },
            status: .outcome(run.outcome),
            duration: duration,
            calls: formatter.integer(run.callsUsed),
            rows: formatter.integer(rows),
            rowsDetail: counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "),
            error: run.error.map(Self.splitError)
        )
    }

    /// Splits `… fbtrace_id=AbC123 …` (the form `GraphError.description` uses) into the message and the trace id.
    static func splitError(_ text: String) -> DashboardView.RunError {
        guard let marker = text.range(of: "fbtrace_id") else { return DashboardView.RunError(message: text, fbtraceID: nil) }
        var rest = text[marker.upperBound...].drop { $0 == "=" || $0 == ":" || $0 == " " || $0 == "\"" }
        let id = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        rest = rest.dropFirst(id.count)
        var message = String(text[..<marker.lowerBound]).trimmingCharacters(in: .whitespaces)
        let tail = rest.trimmingCharacters(in: CharacterSet(charactersIn: "\" ,;)"))
        if !tail.isEmpty { message += (message.isEmpty ? "" : " ") + tail }
        return DashboardView.RunError(message: message.isEmpty ? text : message, fbtraceID: id.isEmpty ? nil : String(id))
    }
}

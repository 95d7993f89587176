import Foundation
import Hummingbird
import Logging
import MetaStore
import Recommendations

extension DashboardView {
    /// One open recommendation on the dashboard.
    struct RecommendationCard: Sendable {
        struct Line: Sendable {
            var index: Int
            var name: String
            var points: String
        }

        struct Chart: Sendable {
            var label: String
            var lines: [Line]
        }

        struct Figure: Sendable {
            var name: String
            var value: String
        }

        var id: Int
        var kind: String
        var severity: String
        var level: String
        var objectID: String
        var objectHref: String
        var impact: String?
        var impactValue: String
        var title: String
        var chart: Chart?
        var figures: [Figure]
        var advice: String
        /// Set when an active Meta Automated Rule already acts on the object (apply refuses it unless forced).
        var ruleNote: String?
        var dismissHref: String
        var applyHref: String?
        /// Meta's own words beside ours (its creative_fatigue level, or a Meta recommendation's code and message).
        var metaNote: String?
    }

    /// One of Meta's own recommendations in the opportunity-score card.
    struct MetaItem: Sendable {
        var level: String
        var objectID: String
        var source: String
        var title: String
        var message: String
        var points: String?
        var seen: String
    }

    struct OtherRecommendation: Sendable {
        var id: Int
        var status: String
        var kind: String
        var title: String
    }

    /// An effective target of the account (target CPA / ROAS) and where it came from.
    struct TargetSetting: Sendable {
        var key: String
        var label: String
        var value: String
        var source: String
        var level: String
    }

    struct RecommendationsPage: Sendable {
        var chrome: Chrome
        var accountHref: String
        var accountName: String
        var note: String
        var targets: [TargetSetting] = []
        var hasOpen: Bool
        var open: [RecommendationCard]
        var hasOthers: Bool
        var others: [OtherRecommendation]
        /// Meta's opportunity score card (shown when Meta sent a score or recommendations).
        var hasMeta: Bool = false
        var metaScore: String = ""
        var metaScoreValue: String = ""
        var metaItems: [MetaItem] = []
    }

    struct ApplyConfirmPage: Sendable {
        struct Change: Sendable {
            var field: String
            var before: String
            var after: String
        }

        var chrome: Chrome
        var id: Int
        var title: String
        var request: String
        var changes: [Change]
        var canWrite: Bool
        var unavailable: String
        var applyHref: String
        var backHref: String
    }
}

extension DashboardController {
    /// `GET /accounts/{id}/recommendations`: open recommendations ranked by estimated impact, with evidence and actions.
    @Sendable func recommendations(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard let account = try await self.findAccount(id) else { return self.notFound("Ad account \(id)", formatter) }
        let rows = RecommendationEngine.ranked(try await self.store.recommendations.list(.init(accountID: account.accountID, limit: 5_000)))
        let base = "/accounts/\(account.id)/recommendations"
        let open = rows.filter { $0.status == .open }.map { Self.card($0, base: base, formatter: formatter) }
        let others = rows.filter { $0.status == .dismissed || $0.status == .applied }
            .map { DashboardView.OtherRecommendation(id: $0.id ?? 0, status: $0.status.rawValue, kind: $0.kind, title: $0.title) }
        let meta = try await MetaOverview.load(self.store, accountID: account.accountID, historyLimit: 2)
        var page = DashboardView.RecommendationsPage(
            chrome: self.chrome("Recommendations · \(account.name ?? account.id)", formatter),
            accountHref: "/accounts/\(account.id)",
            accountName: account.name ?? account.id,
            note: "Ranked by estimated impact (money per day in \(account.currency ?? "the account currency")). Evaluated after every sync; "
                + "thresholds and targets in docs/recommendations.md.",
            hasOpen: !open.isEmpty,
            open: open,
            hasOthers: !others.isEmpty,
            others: others
        )
        Self.addMeta(meta, to: &page)
        page.targets = try await self.targets(accountID: account.accountID, formatter: formatter)
        return self.renderer.render("recommendations", page)
    }

    /// The account's effective target CPA and ROAS (read-only; set them with the settings API or
    /// `metasync recommend settings`).
    func targets(accountID: String, formatter: DashboardFormatter) async throws -> [DashboardView.TargetSetting] {
        let service = RecommendationSettings(store: self.store, policy: self.recommendationPolicy)
        let report = try await service.report(.init(accountID: accountID))
        let labels = ["target_cpa": "target CPA", "target_roas": "target ROAS"]
        return report.entries.filter { labels[$0.key] != nil }.map { entry in
            DashboardView.TargetSetting(
                key: entry.key,
                label: labels[entry.key] ?? entry.key,
                value: entry.text,
                source: entry.source.origin.rawValue,
                level: entry.source.level.rawValue
            )
        }
    }

    /// Meta's opportunity score and its recommendations, beside MetaSync's own.
    static func addMeta(_ meta: MetaOverview, to page: inout DashboardView.RecommendationsPage) {
        page.hasMeta = meta.opportunityScore != nil || !meta.recommendations.isEmpty
        page.metaScore = meta.opportunityScore.map { String(format: "%.1f / 100", $0) } ?? "not sent by Meta"
        page.metaScoreValue = meta.opportunityScore.map { String(format: "%.1f", $0) } ?? ""
        page.metaItems = meta.recommendations.map { item in
            DashboardView.MetaItem(
                level: item.level,
                objectID: item.objectID,
                source: item.source,
                title: item.title ?? item.code ?? "",
                message: item.message ?? "",
                points: item.points.map { String(format: "%.1f", $0) },
                seen: "\(item.firstSeenAt) – \(item.lastSeenAt)"
            )
        }
    }

    static func card(_ row: RecommendationRow, base: String, formatter: DashboardFormatter) -> DashboardView.RecommendationCard {
        let view = RecommendationView(row)
        let path = row.level == .campaign ? "campaigns" : row.level == .adset ? "adsets" : "ads"
        let impact = row.estimatedImpact.flatMap { Decimal(string: $0.stringValue, locale: Locale(identifier: "en_US_POSIX")) }
        let figures = (view.evidence?.metrics ?? [:]).sorted { $0.key < $1.key }
            .map { DashboardView.RecommendationCard.Figure(name: $0.key, value: String(format: "%.4g", $0.value)) }
        return DashboardView.RecommendationCard(
            id: view.id,
            kind: row.kind,
            severity: row.severity.rawValue,
            level: row.level.rawValue,
            objectID: row.objectID,
            objectHref: row.level == .account ? "/accounts/act_\(row.accountID)" : "/\(path)/\(row.objectID)",
            impact: impact.map { formatter.money($0, currency: row.currency) },
            impactValue: row.estimatedImpact?.stringValue ?? "",
            title: row.title,
            chart: view.evidence.flatMap(Self.chart),
            figures: figures,
            advice: view.action?.note ?? "",
            ruleNote: view.action?.ruleNote,
            dismissHref: "\(base)/\(view.id)/dismiss",
            applyHref: view.action?.isGraphWrite == true ? "\(base)/\(view.id)/apply" : nil,
            metaNote: MetaOverview.note(view)
        )
    }

    /// Up to two series of the evidence, each scaled to its own maximum (they have different units).
    static func chart(_ evidence: Evidence) -> DashboardView.RecommendationCard.Chart? {
        guard evidence.series.count >= 2 else { return nil }
        let names = Array(Set(evidence.series.flatMap { $0.values.keys }).sorted().prefix(2))
        let step = 350.0 / Double(evidence.series.count - 1)
        let lines = names.enumerated().map { index, name in
            let values = evidence.series.map { $0.values[name] ?? 0 }
            let top = max(values.max() ?? 0, 1e-12)
            let points = values.enumerated().map { String(format: "%.1f,%.1f", 5 + Double($0.offset) * step, 85 - $0.element / top * 80) }
            return DashboardView.RecommendationCard.Line(index: index, name: name, points: points.joined(separator: " "))
        }
        let first = evidence.series.first?.day ?? ""
        let last = evidence.series.last?.day ?? ""
        return DashboardView.RecommendationCard.Chart(
            label: "\(names.joined(separator: " and ")), \(first) – \(last), each line scaled to its maximum",
            lines: lines
        )
    }

    /// `POST /accounts/{id}/recommendations/{rid}/dismiss`: dismisses it, back to the list.
    @Sendable func dismissRecommendation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard self.isSameOrigin(request) else { return self.recommendationMessage("Refused", Self.crossSiteMessage, id, formatter, .forbidden) }
        guard let rid = context.parameters.get("rid", as: Int.self),
            try await self.store.recommendations.setStatus(id: rid, .dismissed, at: self.now())
        else { return self.notFound("Recommendation", formatter) }
        return Response(status: .seeOther, headers: [.location: "/accounts/\(id)/recommendations", .cacheControl: "no-store"])
    }

    /// `GET /accounts/{id}/recommendations/{rid}/apply`: the exact Graph write, and a Confirm button.
    @Sendable func confirmApply(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard let rid = context.parameters.get("rid", as: Int.self) else { return self.notFound("Recommendation", formatter) }
        let applier = RecommendationApplier(store: self.store, policy: self.recommendationPolicy, now: self.now)
        let planned: PlannedWrite
        do {
            planned = try await applier.plan(id: rid)
        } catch let refused as ApplyRefused {
            return self.recommendationMessage("Cannot apply", refused.description, id, formatter, .badRequest)
        } catch is RecommendationError {
            return self.notFound("Recommendation \(rid)", formatter)
        }
        let title = try await self.store.recommendations.get(id: rid)?.title ?? ""
        let page = DashboardView.ApplyConfirmPage(
            chrome: self.chrome("Apply recommendation \(rid)", formatter),
            id: rid,
            title: title,
            request: planned.request,
            changes: planned.after.keys.sorted().map { .init(field: $0, before: planned.before[$0] ?? "—", after: planned.after[$0] ?? "") },
            canWrite: self.recommendationWriter != nil,
            unavailable: "This server cannot write to Graph; use `metasync recommend apply \(rid) --yes`.",
            applyHref: "/accounts/\(id)/recommendations/\(rid)/apply",
            backHref: "/accounts/\(id)/recommendations"
        )
        return self.renderer.render("applyConfirm", page)
    }

    /// `POST /accounts/{id}/recommendations/{rid}/apply`: makes the confirmed write (recorded in `audit_log`).
    @Sendable func applyRecommendation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard self.isSameOrigin(request) else { return self.recommendationMessage("Refused", Self.crossSiteMessage, id, formatter, .forbidden) }
        guard let rid = context.parameters.get("rid", as: Int.self) else { return self.notFound("Recommendation", formatter) }
        guard let writer = self.recommendationWriter else {
            return self.recommendationMessage("Cannot apply", "This server cannot write to Graph.", id, formatter, .serviceUnavailable)
        }
        let applier = RecommendationApplier(store: self.store, policy: self.recommendationPolicy, now: self.now)
        do {
            let entry = try await applier.apply(id: rid, actor: "dashboard", writer: writer)
            self.logger.notice("recommendation applied", metadata: ["recommendation_id": "\(rid)", "audit_log_id": "\(entry.id ?? 0)"])
            return self.recommendationMessage("Applied", "Recommendation \(rid) was applied (audit log entry \(entry.id ?? 0)).", id, formatter, .ok)
        } catch let refused as ApplyRefused {
            return self.recommendationMessage("Cannot apply", refused.description, id, formatter, .badRequest)
        } catch is RecommendationError {
            return self.notFound("Recommendation \(rid)", formatter)
        } catch {
            return self.recommendationMessage("Graph refused the write", "\(error)", id, formatter, .badGateway)
        }
    }

    private func recommendationMessage(
        _ heading: String,
        _ text: String,
        _ accountID: String,
        _ formatter: DashboardFormatter,
        _ status: HTTPResponse.Status
    ) -> Response {
        self.renderer.render(
            "message",
            DashboardView.MessagePage(
                chrome: self.chrome(heading, formatter),
                heading: heading,
                text: text,
                link: DashboardView.Link(href: "/accounts/\(accountID)/recommendations", label: "Back to the recommendations")
            ),
            status: status
        )
    }
}

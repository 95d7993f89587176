import Foundation
import Hummingbird
import MetaStore

extension DashboardController {
    /// A column a metrics table can be sorted by (`?sort=`), with `?dir=asc|desc`.
    enum SortKey: String, CaseIterable, Sendable {
        case name, status, spend, impressions, clicks, ctr, cpc, cpm, conversions, purchases, cpa, roas

        var label: String {
            switch self {
            case .name: return "Name"
            case .status: return "Status"
            default: return self.metric?.label ?? self.rawValue
            }
        }

        /// The figure this column shows; nil for the name and status columns.
        var metric: PerformanceMetric? {
            PerformanceMetric.tableColumns.first { $0.metric == self.rawValue }
        }

        /// Names and statuses sort A→Z first, CPA cheapest first, other figures largest first.
        var defaultAscending: Bool { self == .name || self == .status || self == .cpa }
    }

    /// The request's sort (default: spend, largest first).
    struct Sort: Sendable {
        var key: SortKey
        var ascending: Bool

        init(_ request: Request) {
            let query = request.uri.queryParameters
            self.key = query["sort"].flatMap { SortKey(rawValue: String($0)) } ?? .spend
            switch query["dir"].map(String.init) {
            case "asc": self.ascending = true
            case "desc": self.ascending = false
            default: self.ascending = self.key.defaultAscending
            }
        }
    }

    /// The attribution window of the purchase, CPA and ROAS figures (`?window=`, default `default`: each ad set's own
    /// attribution setting, as in Ads Manager); an unknown value falls back to the default.
    static func window(_ request: Request) -> String {
        let text = request.uri.queryParameters["window"].map(String.init) ?? PerformanceActionRow.defaultWindow
        return APIController.windows.contains(text) ? text : PerformanceActionRow.defaultWindow
    }

    /// The `window` item of a link: left out for the default window, so default links stay as they were.
    static func windowItem(_ window: String) -> (String, String?) {
        ("window", window == PerformanceActionRow.defaultWindow ? nil : window)
    }

    /// The insights filter of a page: a level of an account over the range, with the page's window and the
    /// server's primary conversion.
    func filter(level: PerformanceSnapshotRow.Level, accountID: String, _ range: DayRange, _ window: String) -> DashboardReads.InsightFilter {
        var filter = DashboardReads.InsightFilter(level: level, accountID: accountID, days: range.closed)
        filter.window = window
        filter.primary = self.configuration.primaryConversion
        return filter
    }

    /// One row of a metrics table before formatting.
    struct TableEntry {
        var id: String
        var name: String
        var href: String
        var status: DashboardView.Status
        var totals: PerformanceTotals
    }

    // MARK: - Pages

    /// `GET /accounts/{id}`: totals and daily charts for the range, and the top campaigns by spend (sortable).
    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard let account = try await self.findAccount(id) else { return self.notFound("Ad account \(id)", formatter) }
        let range = try await self.range(request, accountID: account.accountID)
        let sort = Sort(request)
        let window = Self.window(request)
        let levels = try await self.queries.levels(accountID: account.accountID, days: range.closed)
        let source = [PerformanceSnapshotRow.Level.account, .campaign, .adset, .ad].first { levels.contains($0) }
        let rows =
            try await source.asyncMap { try await self.queries.insights(self.filter(level: $0, accountID: account.accountID, range, window)) } ?? []
        let path = "/accounts/\(account.id)"
        let performance = self.performance(
            rows: rows,
            range: range,
            currency: account.currency,
            path: path,
            sort: sort,
            window: window,
            sourceNote: source.map { "Figures from \($0.rawValue)-level daily insights in \(account.currency ?? "the account currency")." } ?? "",
            formatter: formatter
        )
        let campaignRows =
            source == .campaign
            ? rows
            : levels.contains(.campaign)
                ? try await self.queries.insights(self.filter(level: .campaign, accountID: account.accountID, range, window)) : []
        let table = try await self.campaignTable(
            campaignRows,
            account: account,
            levels: levels,
            range: range,
            sort: sort,
            window: window,
            path: path,
            formatter: formatter
        )
        let page = DashboardView.AccountPage(
            chrome: self.chrome(account.name ?? account.id, formatter, notice: range.notice),
            id: account.id,
            name: account.name ?? account.id,
            currency: account.currency ?? "no currency",
            timezone: account.timezoneName ?? "time zone unknown",
            status: .account(account.accountStatus),
            performance: performance,
            table: table
        )
        return self.renderer.render("account", page)
    }

    /// The account page's table: its campaigns by the sort key (top 50), with a note on those not shown.
    func campaignTable(
        _ campaignRows: [DashboardReads.InsightRow],
        account: AdAccountRow,
        levels: Set<PerformanceSnapshotRow.Level>,
        range: DayRange,
        sort: Sort,
        window: String,
        path: String,
        formatter: DashboardFormatter
    ) async throws -> DashboardView.MetricsTable {
        let campaigns = Dictionary(
            try await self.store.campaigns.list(accountID: account.accountID).map { ($0.id, $0) },
            uniquingKeysWith: { a, _ in a }
        )
        var perCampaign: [String: PerformanceTotals] = [:]
        for row in campaignRows { perCampaign[row.objectID, default: PerformanceTotals()].add(row) }
        let entries = perCampaign.map { id, totals in
            TableEntry(
                id: id,
                name: campaigns[id]?.name ?? id,
                href: Self.href(
                    "/campaigns/\(id)",
                    [("since", range.since.description), ("until", range.until.description), Self.windowItem(window)]
                ),
                status: .delivery(campaigns[id]?.effectiveStatus),
                totals: totals
            )
        }
        let limit = 50
        var table = self.metricsTable(
            caption: "Top campaigns by \(sort.key.label.lowercased())",
            kind: "campaigns",
            entries: entries,
            limit: limit,
            currency: account.currency,
            path: path,
            range: range,
            sort: sort,
            window: window,
            empty: levels.contains(.campaign) || levels.isEmpty
                ? "No campaign delivered in this range." : "No campaign-level insights in this range (sync with --levels campaign).",
            formatter: formatter
        )
        let silent = campaigns.count - perCampaign.count
        if entries.count > limit || silent > 0 {
            var parts: [String] = []
            if entries.count > limit { parts.append("Showing \(limit) of \(entries.count) campaigns with delivery.") }
            if silent > 0 { parts.append("\(silent) campaigns without delivery in this range are not listed.") }
            table.note = parts.joined(separator: " ")
        }
        return table
    }

    /// `GET /campaigns/{id}`: the campaign's chart and status, and its ad sets.
    @Sendable func campaign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard let campaign = try await self.store.campaigns.get(id: id) else { return self.notFound("Campaign \(id)", formatter) }
        let account = try await self.owningAccount(campaign.accountID)
        let children = try await self.store.adSets.list(where: "campaign_id", equals: id)
        return try await self.objectPage(
            request,
            formatter: formatter,
            kind: (.campaign, "Campaign", "/campaigns/\(id)"),
            object: (id, campaign.name ?? id, campaign.effectiveStatus, campaign.accountID),
            account: account,
            crumbs: [],
            details: [campaign.objective.map { "objective \($0)" }].compactMap { $0 },
            children: (
                .adset, "Ad sets", "adsets", "campaign_id",
                children.map { ($0.id, $0.name ?? $0.id, $0.effectiveStatus, "/adsets/\($0.id)") }
            )
        )
    }

    /// `GET /adsets/{id}`: the ad set's chart and status, and its ads.
    @Sendable func adSet(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard let adSet = try await self.store.adSets.get(id: id) else { return self.notFound("Ad set \(id)", formatter) }
        let account = try await self.owningAccount(adSet.accountID)
        let campaign = try await adSet.campaignID.asyncMap { try await self.store.campaigns.get(id: $0) } ?? nil
        let children = try await self.store.ads.list(where: "adset_id", equals: id)
        return try await self.objectPage(
            request,
            formatter: formatter,
            kind: (.adset, "Ad set", "/adsets/\(id)"),
            object: (id, adSet.name ?? id, adSet.effectiveStatus, adSet.accountID),
            account: account,
            crumbs: campaign.map { [DashboardView.Link(href: "/campaigns/\($0.id)", label: $0.name ?? $0.id)] } ?? [],
            details: [adSet.optimizationGoal.map { "optimizing for \($0)" }].compactMap { $0 },
            children: (.ad, "Ads", "ads", "adset_id", children.map { ($0.id, $0.name ?? $0.id, $0.effectiveStatus, "/ads/\($0.id)") })
        )
    }

    /// `GET /ads/{id}`: the ad's chart and status.
    @Sendable func ad(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard let ad = try await self.store.ads.get(id: id) else { return self.notFound("Ad \(id)", formatter) }
        let account = try await self.owningAccount(ad.accountID)
        let campaign = try await ad.campaignID.asyncMap { try await self.store.campaigns.get(id: $0) } ?? nil
        let adSet = try await ad.adsetID.asyncMap { try await self.store.adSets.get(id: $0) } ?? nil
        var crumbs: [DashboardView.Link] = []
        if let campaign { crumbs.append(DashboardView.Link(href: "/campaigns/\(campaign.id)", label: campaign.name ?? campaign.id)) }
        if let adSet { crumbs.append(DashboardView.Link(href: "/adsets/\(adSet.id)", label: adSet.name ?? adSet.id)) }
        return try await self.objectPage(
            request,
            formatter: formatter,
            kind: (.ad, "Ad", "/ads/\(id)"),
            object: (id, ad.name ?? id, ad.effectiveStatus, ad.accountID),
            account: account,
            crumbs: crumbs,
            details: [ad.creativeID.map { "creative \($0)" }].compactMap { $0 },
            children: nil,
            creative: try await self.creativeCard(for: ad, request: request, currency: account?.currency, formatter: formatter)
        )
    }

    /// An object page's table of its children (ad sets of a campaign, ads of an ad set) with their totals.
    func childTable(
        _ children: (
            level: PerformanceSnapshotRow.Level, caption: String, kind: String, parentColumn: String,
            rows: [(id: String, name: String, status: String?, path: String)]
        ),
        of object: (id: String, name: String, status: String?, accountID: String),
        kind: (level: PerformanceSnapshotRow.Level, label: String, path: String),
        currency: String?,
        range: DayRange,
        sort: Sort,
        window: String,
        formatter: DashboardFormatter
    ) async throws -> DashboardView.MetricsTable {
        var childFilter = self.filter(level: children.level, accountID: object.accountID, range, window)
        childFilter.parent = (children.parentColumn, object.id)
        let childRows = try await self.queries.insights(childFilter)
        var perChild: [String: PerformanceTotals] = [:]
        for row in childRows { perChild[row.objectID, default: PerformanceTotals()].add(row) }
        let entries = children.rows.map { child in
            TableEntry(
                id: child.id,
                name: child.name,
                href: Self.href(child.path, [("since", range.since.description), ("until", range.until.description), Self.windowItem(window)]),
                status: .delivery(child.status),
                totals: perChild[child.id] ?? PerformanceTotals()
            )
        }
        return self.metricsTable(
            caption: children.caption,
            kind: children.kind,
            entries: entries,
            limit: 500,
            currency: currency,
            path: kind.path,
            range: range,
            sort: sort,
            window: window,
            empty: "No \(children.caption.lowercased()) synced for this \(kind.label.lowercased()).",
            formatter: formatter
        )
    }

    /// A campaign, ad set or ad page: its own daily rows at its level, and its children's totals in a table.
    func objectPage(
        _ request: Request,
        formatter: DashboardFormatter,
        kind: (level: PerformanceSnapshotRow.Level, label: String, path: String),
        object: (id: String, name: String, status: String?, accountID: String),
        account: AdAccountRow?,
        crumbs: [DashboardView.Link],
        details: [String],
        children: (
            level: PerformanceSnapshotRow.Level, caption: String, kind: String, parentColumn: String,
            rows: [(id: String, name: String, status: String?, path: String)]
        )?,
        creative: DashboardView.CreativeCard? = nil
    ) async throws -> Response {
        let range = try await self.range(request, accountID: object.accountID)
        let sort = Sort(request)
        let window = Self.window(request)
        let currency = account?.currency
        var own = self.filter(level: kind.level, accountID: object.accountID, range, window)
        own.objectID = object.id
        let rows = try await self.queries.insights(own)
        let performance = self.performance(
            rows: rows,
            range: range,
            currency: currency,
            path: kind.path,
            sort: sort,
            window: window,
            sourceNote: "Figures from \(kind.level.rawValue)-level daily insights in \(currency ?? "the account currency").",
            formatter: formatter
        )
        let table = try await children.asyncMap { children in
            try await self.childTable(
                children,
                of: object,
                kind: kind,
                currency: currency,
                range: range,
                sort: sort,
                window: window,
                formatter: formatter
            )
        }
        var allCrumbs = [DashboardView.Link(href: "/", label: "Overview")]
        if let account {
            allCrumbs.append(
                DashboardView.Link(
                    href: Self.href("/accounts/\(account.id)", [("since", range.since.description), ("until", range.until.description)]),
                    label: account.name ?? account.id
                )
            )
        }
        allCrumbs += crumbs
        let page = DashboardView.ObjectPage(
            chrome: self.chrome(object.name, formatter, notice: range.notice),
            crumbs: allCrumbs,
            kindLabel: kind.label,
            id: object.id,
            name: object.name,
            status: .delivery(object.status),
            details: details,
            performance: performance,
            table: table,
            creative: creative
        )
        return self.renderer.render("object", page)
    }

    // MARK: - Building blocks

    /// The range of the request; the default ends at the account's latest day with insights but never today (in the
    /// account's time zone): ``DayRange/defaultEnd(latest:today:)``. `today` is kept for the presets.
    func range(_ request: Request, accountID: String) async throws -> DayRange {
        let query = request.uri.queryParameters
        let (today, latest) = try await DayRange.defaultAnchors(accountID: accountID, store: self.store, now: self.now())
        var range = DayRange.parse(since: query["since"].map(String.init), until: query["until"].map(String.init), latest: latest)
        range.today = today
        return range
    }

    /// Totals and one chart per metric (one point per day of the range) from daily rows.
    func performance(
        rows: [DashboardReads.InsightRow],
        range: DayRange,
        currency: String?,
        path: String,
        sort: Sort,
        window: String,
        sourceNote: String,
        formatter: DashboardFormatter
    ) -> DashboardView.Performance {
        var total = PerformanceTotals()
        var perDay: [CalendarDay: PerformanceTotals] = [:]
        for row in rows {
            total.add(row)
            perDay[row.dateStart, default: PerformanceTotals()].add(row)
        }
        let days = range.days
        let charts = Self.charts(PerformanceMetric.trafficCharts, total, perDay: perDay, days: days, currency: currency, formatter: formatter)
        let conversionCharts = Self.charts(
            PerformanceMetric.conversionCharts,
            total,
            perDay: perDay,
            days: days,
            currency: currency,
            titles: [PerformanceMetric.purchases.metric: "Purchases (\(Self.windowLabel(window)))"],
            formatter: formatter
        )
        let totals = Self.totals(total, currency: currency, formatter: formatter)
        let sortItems: [(String, String?)] = [("sort", sort.key.rawValue), ("dir", sort.ascending ? "asc" : "desc"), Self.windowItem(window)]
        let presets = DayRange.presetDays.map { length -> DashboardView.Link in
            let preset = DayRange.last(length, today: range.today ?? range.until.adding(days: 1))
            return DashboardView.Link(
                href: Self.href(path, [("since", preset.since.description), ("until", preset.until.description)] + sortItems),
                label: "Last \(length) days",
                current: preset.closed == range.closed
            )
        }
        return DashboardView.Performance(
            since: range.since.description,
            until: range.until.description,
            days: range.count,
            rangeText: "\(formatter.day(range.since)) – \(formatter.day(range.until)), \(range.count) days",
            hidden: sortItems.filter { $0.0 != "window" }.compactMap { name, value in value.map { DashboardView.Hidden(name: name, value: $0) } },
            windows: APIController.windows.map { DashboardView.Option(value: $0, label: Self.windowLabel($0), selected: $0 == window) },
            presets: presets,
            hasData: !rows.isEmpty,
            totals: totals,
            charts: charts + conversionCharts,
            sourceNote: sourceNote
                + " Purchases, CPA (per \(self.configuration.primaryConversion.rawValue)) and ROAS under \(Self.windowLabel(window)) attribution.",
            emptyMessage: "No insights in this range. Pick other days, or run metasync sync-performance."
        )
    }

    /// One chart's points: a metric per day of the range ("no data" on days without rows).
    static func chartInputs(
        _ days: [CalendarDay],
        _ perDay: [CalendarDay: PerformanceTotals],
        _ value: (PerformanceTotals) -> Decimal?,
        format: (Decimal) -> String
    ) -> [SVGChart.Input] {
        days.map { day in
            let figure = value(perDay[day] ?? PerformanceTotals())
            return SVGChart.Input(
                day: day,
                value: figure.map { NSDecimalNumber(decimal: $0).doubleValue },
                exact: figure.map(Self.exact) ?? "",
                label: figure.map(format) ?? "no data"
            )
        }
    }

    /// The daily charts of `metrics`, titled by their labels unless `titles` (by metric) says otherwise.
    static func charts(
        _ metrics: [PerformanceMetric],
        _ total: PerformanceTotals,
        perDay: [CalendarDay: PerformanceTotals],
        days: [CalendarDay],
        currency: String?,
        titles: [String: String] = [:],
        formatter: DashboardFormatter
    ) -> [SVGChart] {
        metrics.map { metric in
            SVGChart(
                metric: metric.metric,
                title: titles[metric.metric] ?? metric.label,
                summary: metric.text(total, currency: currency, formatter: formatter),
                inputs: Self.chartInputs(days, perDay, metric.figure) { metric.pointLabel($0, currency: currency, formatter: formatter) },
                axis: { metric.axis($0, currency: currency, formatter: formatter) },
                dayLabel: formatter.shortDay
            )
        }
    }

    /// The range's totals, each with its exact value.
    static func totals(_ total: PerformanceTotals, currency: String?, formatter: DashboardFormatter) -> [DashboardView.Total] {
        PerformanceMetric.totalsRow.map { metric in
            DashboardView.Total(
                metric: metric.metric,
                label: metric.label,
                text: metric.text(total, currency: currency, formatter: formatter),
                value: metric.exact(total)
            )
        }
    }

    /// A sortable table of entries (sorting is done here, so it works without script).
    func metricsTable(
        caption: String,
        kind: String,
        entries: [TableEntry],
        limit: Int,
        currency: String?,
        path: String,
        range: DayRange,
        sort: Sort,
        window: String,
        empty: String,
        formatter: DashboardFormatter
    ) -> DashboardView.MetricsTable {
        let sorted = Self.sorted(entries, by: sort)
        let columns = SortKey.allCases.map { key -> DashboardView.Column in
            let current = key == sort.key
            let ascending = current ? !sort.ascending : key.defaultAscending
            return DashboardView.Column(
                label: key.label,
                href: Self.href(
                    path,
                    [
                        ("since", range.since.description), ("until", range.until.description), ("sort", key.rawValue),
                        ("dir", ascending ? "asc" : "desc"), Self.windowItem(window),
                    ]
                ),
                arrow: current ? (sort.ascending ? "▲" : "▼") : nil,
                ariaSort: current ? (sort.ascending ? "ascending" : "descending") : nil,
                numeric: key != .name && key != .status
            )
        }
        let rows = sorted.prefix(limit).map { entry -> DashboardView.MetricsRow in
            DashboardView.MetricsRow(
                id: entry.id,
                name: entry.name,
                href: entry.href,
                status: entry.status,
                cells: PerformanceMetric.tableColumns.map { metric in
                    DashboardView.Cell(
                        metric: metric.metric,
                        text: metric.text(entry.totals, currency: currency, formatter: formatter),
                        value: metric.exact(entry.totals)
                    )
                }
            )
        }
        return DashboardView.MetricsTable(
            caption: caption,
            kind: kind,
            columns: columns,
            rows: Array(rows),
            hasRows: !rows.isEmpty,
            empty: empty,
            note: nil
        )
    }

    /// Entries in the order `sort` asks for; rows without a value (e.g. CPC without clicks) always come last, ties by
    /// name then id.
    static func sorted(_ entries: [TableEntry], by sort: Sort) -> [TableEntry] {
        let metric = sort.key.metric
        func figure(_ entry: TableEntry) -> Decimal? { metric?.figure(entry.totals) }
        return entries.sorted { a, b in
            let order: ComparisonResult
            switch sort.key {
            case .name: order = a.name.localizedStandardCompare(b.name)
            case .status: order = a.status.text.localizedStandardCompare(b.status.text)
            default:
                switch (figure(a), figure(b)) {
                case (nil, nil): order = .orderedSame
                case (nil, _): return false
                case (_, nil): return true
                case (let x?, let y?): order = x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame
                }
            }
            if order != .orderedSame { return sort.ascending ? order == .orderedAscending : order == .orderedDescending }
            if a.name != b.name { return a.name < b.name }
            return a.id < b.id
        }
    }

    /// A ROAS as text: two decimals and `×` (purchase value per unit of spend).
    static func roasText(_ value: Decimal) -> String {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 2, .plain)
        return String(format: "%.2f×", NSDecimalNumber(decimal: rounded).doubleValue)
    }

    /// A window as the selector shows it.
    static func windowLabel(_ window: String) -> String {
        switch window {
        case PerformanceActionRow.defaultWindow: "ad set setting"
        case "1d_click": "1-day click"
        case "7d_click": "7-day click"
        case "28d_click": "28-day click"
        case "1d_view": "1-day view"
        case "1d_ev": "1-day engaged view"
        case "dda": "data-driven"
        default: window
        }
    }

    /// A decimal as plain text with at most 6 fractional digits (`data-value`).
    static func exact(_ value: Decimal) -> String {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 6, .plain)
        return NSDecimalNumber(decimal: rounded).stringValue
    }
}

extension Optional {
    /// `map` with an async transform.
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

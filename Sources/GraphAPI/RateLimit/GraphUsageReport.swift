/// The rate-limit usage Graph reported on one response (reference §7): `X-App-Usage`, `X-Ad-Account-Usage`,
/// `X-Business-Use-Case-Usage` and `X-FB-Ads-Insights-Throttle`. Absent headers mean nothing (§7.1).
public struct GraphUsageReport: Sendable, Hashable {
    /// `X-App-Usage`: whole-number percentages of the app's hourly allowance.
    public struct AppUsage: Sendable, Hashable {
        public var callCount: Double
        public var totalTime: Double
        public var totalCPUTime: Double

        public var maxPercent: Double { max(self.callCount, self.totalTime, self.totalCPUTime) }
    }

    /// `X-Ad-Account-Usage`.
    public struct AdAccountUsage: Sendable, Hashable {
        /// `acc_id_util_pct`.
        public var utilisationPercent: Double
        /// `reset_time_duration`, seconds until the score resets.
        public var resetTimeSeconds: Double?
        /// `ads_api_access_tier`.
        public var accessTier: String?
    }

    /// One entry of `X-Business-Use-Case-Usage`.
    public struct BusinessUseCaseUsage: Sendable, Hashable {
        /// The key of the header object: a business or ad account id.
        public var objectID: String
        /// `type`, e.g. `ads_management`, `ads_insights`.
        public var type: String
        public var callCount: Double
        public var totalTime: Double
        public var totalCPUTime: Double
        /// `estimated_time_to_regain_access`, in **minutes** (reference §7.3).
        public var estimatedMinutesToRegainAccess: Double
        public var accessTier: String?

        public var maxPercent: Double { max(self.callCount, self.totalTime, self.totalCPUTime) }
    }

    /// `X-FB-Ads-Insights-Throttle`.
    public struct InsightsThrottle: Sendable, Hashable {
        /// `app_id_util_pct`.
        public var appPercent: Double
        /// `acc_id_util_pct`.
        public var accountPercent: Double
        public var accessTier: String?
    }

    public var app: AppUsage?
    public var adAccount: AdAccountUsage?
    public var businessUseCases: [BusinessUseCaseUsage]
    public var insightsThrottle: InsightsThrottle?

    public init(
        app: AppUsage? = nil,
        adAccount: AdAccountUsage? = nil,
        businessUseCases: [BusinessUseCaseUsage] = [],
        insightsThrottle: InsightsThrottle? = nil
    ) {
        self.app = app
        self.adAccount = adAccount
        self.businessUseCases = businessUseCases
        self.insightsThrottle = insightsThrottle
    }

    /// Whether no usage header was present.
    public var isEmpty: Bool { self.app == nil && self.adAccount == nil && self.businessUseCases.isEmpty && self.insightsThrottle == nil }

    /// Parses the usage headers of a response (names compared case-insensitively; malformed values are ignored).
    public init(headers: [(name: String, value: String)]) {
        self.init()
        for header in headers {
            switch header.name.lowercased() {
            case "x-app-usage":
                guard let json = try? JSONValue.parse(header.value) else { continue }
                self.app = AppUsage(
                    callCount: json["call_count"]?.doubleValue ?? 0,
                    totalTime: json["total_time"]?.doubleValue ?? 0,
                    totalCPUTime: json["total_cputime"]?.doubleValue ?? 0
                )
            case "x-ad-account-usage":
                guard let json = try? JSONValue.parse(header.value) else { continue }
                self.adAccount = AdAccountUsage(
                    utilisationPercent: json["acc_id_util_pct"]?.doubleValue ?? 0,
                    resetTimeSeconds: json["reset_time_duration"]?.doubleValue,
                    accessTier: json["ads_api_access_tier"]?.stringValue
                )
            case "x-business-use-case-usage":
                guard let json = try? JSONValue.parse(header.value), let objects = json.objectValue else { continue }
                for (objectID, entries) in objects.sorted(by: { $0.key < $1.key }) {
                    for entry in entries.arrayValue ?? [] {
                        self.businessUseCases.append(
                            BusinessUseCaseUsage(
                                objectID: objectID,
                                type: entry["type"]?.stringValue ?? "unknown",
                                callCount: entry["call_count"]?.doubleValue ?? 0,
                                totalTime: entry["total_time"]?.doubleValue ?? 0,
                                totalCPUTime: entry["total_cputime"]?.doubleValue ?? 0,
                                estimatedMinutesToRegainAccess: entry["estimated_time_to_regain_access"]?.doubleValue ?? 0,
                                accessTier: entry["ads_api_access_tier"]?.stringValue
                            )
                        )
                    }
                }
            case "x-fb-ads-insights-throttle":
                guard let json = try? JSONValue.parse(header.value) else { continue }
                self.insightsThrottle = InsightsThrottle(
                    appPercent: json["app_id_util_pct"]?.doubleValue ?? 0,
                    accountPercent: json["acc_id_util_pct"]?.doubleValue ?? 0,
                    accessTier: json["ads_api_access_tier"]?.stringValue
                )
            default:
                continue
            }
        }
    }

    /// The highest app-level percentage (`X-App-Usage`, insights `app_id_util_pct`).
    public var appPercent: Double {
        max(self.app?.maxPercent ?? 0, self.insightsThrottle?.appPercent ?? 0)
    }

    /// The highest percentage that concerns one ad account or business: `X-Ad-Account-Usage`, insights
    /// `acc_id_util_pct` (both about the called account) and the BUC entries keyed by that id.
    public func accountPercent(accountKey: String?) -> Double {
        var percent = max(self.adAccount?.utilisationPercent ?? 0, self.insightsThrottle?.accountPercent ?? 0)
        for entry in self.businessUseCases where accountKey == nil || GraphUsageGovernor.key(entry.objectID) == accountKey {
            percent = max(percent, entry.maxPercent)
        }
        return percent
    }

    /// The longest regain time any BUC entry announces, for one object id or for all (`nil`), in seconds.
    public func regainSeconds(objectID: String?) -> Double {
        self.businessUseCases
            .filter { objectID == nil || GraphUsageGovernor.key($0.objectID) == objectID.map(GraphUsageGovernor.key) }
            .map { $0.estimatedMinutesToRegainAccess * 60 }
            .max() ?? 0
    }
}

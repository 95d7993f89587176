import MetaStore
import SyncEngine

/// An object schema of ``OpenAPIDocument`` written from Swift: the row schemas come from the row's ``ColumnTable`` (the
/// list the API encodes the row through), so a column added, renamed or retyped changes the document with it; the
/// DTO schemas are listed here and a test compares their property names with the keys of a real response.
struct OpenAPIObjectSchema: Sendable {
    /// One property: its name, its schema (the inside of a YAML flow mapping) and whether every object has it.
    struct Property: Sendable {
        var name: String
        var schema: String
        var isRequired: Bool
    }

    var description: String
    var properties: [Property]

    /// The names of the properties.
    var propertyNames: [String] { self.properties.map(\.name) }

    /// The names of the properties every object has.
    var requiredNames: [String] { self.properties.filter(\.isRequired).map(\.name) }

    /// The schema as a `components/schemas` entry named `name` (at the document's left edge, as its interpolations).
    func yaml(name: String) -> String {
        var lines = ["    \(name):", "      type: object", "      description: \"\(self.description)\""]
        let required = self.requiredNames
        if !required.isEmpty { lines.append("      required: [\(required.joined(separator: ", "))]") }
        lines.append("      additionalProperties: false")
        lines.append("      properties:")
        lines += self.properties.map { "        \($0.name): {\($0.schema)}" }
        return lines.joined(separator: "\n")
    }

    /// The properties of a row encoded through its ``ColumnTable``: one per column, typed by the column's kind; a
    /// nullable column is optional (the API leaves it out when it is NULL). `enums` gives the value set of the text
    /// columns that hold a Swift enum (`allCases`).
    static func row<Row>(_ table: ColumnTable<Row>, description: String, enums: [String: [String]] = [:]) -> Self {
        let properties = table.columns.map { column in
            var schema = Self.type(of: column.kind)
            if let values = enums[column.name] { schema += ", enum: [\(values.joined(separator: ", "))]" }
            if column.isNullable { schema += ", nullable: true" }
            return Property(name: column.name, schema: schema, isRequired: !column.isNullable)
        }
        return Self(description: description, properties: properties)
    }

    /// The JSON type of a column kind as the API encodes it (decimals and JSON columns as their text).
    static func type(of kind: ColumnKind) -> String {
        switch kind {
        case .text: "type: string"
        case .count: "type: integer"
        case .decimal: "type: string, description: Exact decimal."
        case .day: "type: string, format: date"
        case .instant: "type: string, format: date-time"
        case .json: "type: string, description: JSON text."
        }
    }

    /// The schema with `properties` added at the end.
    func adding(_ properties: [Property]) -> Self {
        Self(description: self.description, properties: self.properties + properties)
    }
}

/// The typed schemas of ``OpenAPIDocument``'s lists: stored rows and the DTOs the API encodes.
enum OpenAPISchemas {
    static let adAccount = OpenAPIObjectSchema.row(AdAccountRow.table, description: "A row of ad_accounts (docs/schema.md).")
    static let campaign = OpenAPIObjectSchema.row(CampaignRow.table, description: "A row of campaigns (docs/schema.md).")
    static let adSet = OpenAPIObjectSchema.row(AdSetRow.table, description: "A row of ad_sets (docs/schema.md).")
    static let ad = OpenAPIObjectSchema.row(AdRow.table, description: "A row of ads (docs/schema.md).")
    static let webhookEvent = OpenAPIObjectSchema.row(
        WebhookEventRow.table,
        description: "A row of webhook_events (docs/schema.md).",
        enums: ["status": WebhookEventRow.Status.allCases.map(\.rawValue)]
    )
    static let syncRun = OpenAPIObjectSchema.row(
        SyncRunRow.table,
        description: "A row of sync_runs (docs/schema.md); rows_by_table is JSON text (rows written per table).",
        enums: ["outcome": SyncRunRow.Outcome.allCases.map(\.rawValue)]
    )
    static let snapshotEnums = ["level": PerformanceSnapshotRow.Level.allCases.map(\.rawValue)]
    /// `GET /api/insights`: every column of the row, then its conversions under the window asked for (null without).
    static let insightRow = OpenAPIObjectSchema.row(
        PerformanceSnapshotRow.table,
        description: "A row of performance_snapshots (docs/schema.md) with its conversions.",
        enums: Self.snapshotEnums
    ).adding([.init(name: "conversions", schema: ##"$ref: "#/components/schemas/Conversions""##, isRequired: true)])
    /// A row of `GET /api/reports/{name}`: every column of the row, then its purchases under the default window.
    static let reportRow = OpenAPIObjectSchema.row(
        PerformanceSnapshotRow.table,
        description: "A row of performance_snapshots (docs/schema.md) with its purchases, purchase_value and leads (default window).",
        enums: Self.snapshotEnums
    ).adding([
        .init(name: "purchases", schema: "type: string", isRequired: true),
        .init(name: "purchase_value", schema: "type: string, nullable: true", isRequired: true),
        .init(name: "leads", schema: "type: string", isRequired: true),
    ])
    /// ``APIController/DeadLetterDTO``.
    static let deadLetter = OpenAPIObjectSchema(
        description: "A webhook queue item that failed every attempt.",
        properties: [
            .init(name: "id", schema: "type: integer", isRequired: true),
            .init(name: "event_id", schema: "type: integer, nullable: true", isRequired: false),
            .init(name: "targets", schema: ##"type: array, items: {$ref: "#/components/schemas/WebhookTarget"}"##, isRequired: true),
            .init(name: "attempts", schema: "type: integer", isRequired: true),
            .init(name: "last_error", schema: "type: string, nullable: true", isRequired: false),
            .init(name: "created_at", schema: "type: string, format: date-time", isRequired: true),
            .init(name: "updated_at", schema: "type: string, format: date-time", isRequired: true),
        ]
    )
    /// `WebhookTarget` (SyncEngine), as a dead letter's `targets` hold it.
    static let webhookTarget = OpenAPIObjectSchema(
        description: "An object a webhook named; the fatigue fields only for creative_fatigue.",
        properties: [
            .init(name: "object_id", schema: "type: string", isRequired: true),
            .init(
                name: "level",
                schema: "type: string, enum: [\(WebhookTarget.Level.allCases.map(\.rawValue).joined(separator: ", "))]",
                isRequired: true
            ),
            .init(name: "account_id", schema: "type: string, nullable: true", isRequired: false),
            .init(name: "fatigue_level", schema: "type: string, nullable: true", isRequired: false),
            .init(name: "fatigue_message", schema: "type: string, nullable: true", isRequired: false),
            .init(name: "fatigue_time", schema: "type: integer, format: int64, nullable: true", isRequired: false),
        ]
    )

    /// A connection of `GET /api/health` (`HealthController.Report.Connection`).
    static let healthConnection = OpenAPIObjectSchema(
        description: "A connection as /api/health shows it (never a token).",
        properties: [
            .init(name: "id", schema: "type: string", isRequired: true),
            .init(name: "meta_user_id", schema: "type: string", isRequired: true),
            .init(name: "token_type", schema: "type: string", isRequired: true),
            .init(
                name: "status",
                schema: "type: string, enum: [\(MetaConnectionRow.Status.allCases.map(\.rawValue).joined(separator: ", "))]",
                isRequired: true
            ),
            .init(name: "status_reason", schema: "type: string, nullable: true", isRequired: false),
            .init(name: "expires_at", schema: "type: string, format: date-time, nullable: true", isRequired: false),
            .init(name: "days_until_expiry", schema: "type: integer, nullable: true", isRequired: false),
            .init(name: "call_budget", schema: ##"$ref: "#/components/schemas/CallBudget""##, isRequired: false),
        ]
    )
    /// `CallBudgetUsage` (GraphAPI): its Swift property names are its keys.
    static let callBudget = OpenAPIObjectSchema(
        description: "Graph calls of the Meta user in the current window of the shared call budget.",
        properties: [
            .init(name: "used", schema: "type: integer", isRequired: true),
            .init(name: "limit", schema: "type: integer", isRequired: true),
            .init(name: "windowSeconds", schema: "type: number", isRequired: true),
        ]
    )
    /// `GraphUsageSnapshot.Account` (GraphAPI): its Swift property names are its keys.
    static let usageAccount = OpenAPIObjectSchema(
        description: "Meta's usage of an ad account or business as this process saw it; useCase absent for the account-wide score.",
        properties: [
            .init(name: "id", schema: "type: string", isRequired: true),
            .init(name: "useCase", schema: "type: string, nullable: true", isRequired: false),
            .init(name: "percent", schema: "type: number", isRequired: true),
            .init(name: "pausedUntil", schema: "type: string, format: date-time, nullable: true", isRequired: false),
            .init(name: "pauseReason", schema: "type: string, nullable: true", isRequired: false),
            .init(name: "updatedAt", schema: "type: string, format: date-time, nullable: true", isRequired: false),
            .init(name: "callsLastHour", schema: "type: integer", isRequired: true),
        ]
    )

    /// Every schema above under its name in the document.
    static let all: [(name: String, schema: OpenAPIObjectSchema)] = [
        ("AdAccount", Self.adAccount), ("Campaign", Self.campaign), ("AdSet", Self.adSet), ("Ad", Self.ad),
        ("WebhookEvent", Self.webhookEvent), ("SyncRun", Self.syncRun), ("InsightRow", Self.insightRow),
        ("ReportRow", Self.reportRow), ("DeadLetter", Self.deadLetter), ("WebhookTarget", Self.webhookTarget),
        ("HealthConnection", Self.healthConnection), ("CallBudget", Self.callBudget), ("UsageAccount", Self.usageAccount),
    ]

    /// ``all`` as `components/schemas` entries.
    static var yaml: String { Self.all.map { $0.schema.yaml(name: $0.name) }.joined(separator: "\n") }
}

import Foundation
import GraphAPI
import Hummingbird
import Logging
import MetaStore
import Recommendations
import SyncEngine

/// The JSON API under `/api` (behind ``APIKeyMiddleware``): connections without secrets, mirrored objects with
/// filters and cursor pagination, insights, sync runs, webhook events and dead letters, and `POST /api/sync`.
struct APIController: Sendable {
    let store: MetaStore
    let syncTrigger: (any SyncTrigger)?
    let governor: GraphUsageGovernor?
    let webhookQueue: String
    let primaryConversion: PrimaryConversion
    /// Seconds before token (or data-access) expiry at which a connection shows as `expiring`.
    let expiringWithin: TimeInterval
    /// Graph writes of applied recommendations (nil: `apply` answers 503).
    let recommendationWriter: (any GraphObjectWriter)?
    let recommendationPolicy: RecommendationPolicy
    let now: @Sendable () -> Date
    let logger: Logger

    /// The most items one page may hold; `limit` defaults to 100.
    static let maxLimit = 500
    static let defaultLimit = 100

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("connections", use: self.listConnections)
            .get("accounts", use: self.listAccounts)
            .get("campaigns", use: self.listCampaigns)
            .get("adsets", use: self.listAdSets)
            .get("ads", use: self.listAds)
            .get("insights", use: self.listInsights)
            .get("creatives", use: self.listCreatives)
            .get("reports/{name}", use: self.report)
            .get("sync-runs", use: self.listSyncRuns)
            .get("webhook-events", use: self.listWebhookEvents)
            .get("dead-letters", use: self.listDeadLetters)
            .post("dead-letters/{id}/retry", use: self.retryDeadLetter)
            .post("sync", use: self.sync)
            .get("rate-limits", use: self.rateLimits)
            .get("recommendations", use: self.listRecommendations)
            .get("ad-rules", use: self.listAdRules)
            .get("recommendations/settings", use: self.recommendationSettings)
            .put("recommendations/settings", use: self.putRecommendationSettings)
            .delete("recommendations/settings", use: self.deleteRecommendationSettings)
            .post("recommendations/{id}/dismiss", use: self.dismissRecommendation)
            .post("recommendations/{id}/apply", use: self.applyRecommendation)
            .get("accounts/{id}/opportunity-score", use: self.opportunityScore)
    }

    // MARK: - DTOs

    /// A connection as the API shows it: never the token, its ciphertext or its key id.
    ///
    /// `status` is judged now (``MetaConnectionRow/currentStatus(now:expiringWithin:)``); `reconnect_url` is set when
    /// the connection needs the login flow again (`expiring`, `expired`, `revoked`): re-running it for the same Meta
    /// user replaces the token in place, keeping the id and the accounts.
    struct ConnectionDTO: Encodable, Sendable {
        var id: String
        var metaUserID: String
        var appID: String?
        var tokenType: String
        var status: String
        var statusReason: String?
        var renewBy: Date?
        var reconnectURL: String?
        var expiresAt: Date?
        var dataAccessExpiresAt: Date?
        var scopes: [String]
        var lastCheckedAt: Date?
        var createdAt: Date
        var updatedAt: Date

        init(_ row: MetaConnectionRow, now: Date, expiringWithin: TimeInterval) {
            self.id = row.id
            self.metaUserID = row.metaUserID
            self.appID = row.appID
            self.tokenType = row.tokenType
            let status = row.currentStatus(now: now, expiringWithin: expiringWithin)
            self.status = status.rawValue
            self.statusReason = row.statusReason
            self.renewBy = row.renewBy
            self.reconnectURL = status == .active ? nil : "/connect"
            self.expiresAt = row.expiresAt
            self.dataAccessExpiresAt = row.dataAccessExpiresAt
            self.scopes = row.scopeList
            self.lastCheckedAt = row.lastCheckedAt
            self.createdAt = row.createdAt
            self.updatedAt = row.updatedAt
        }

        enum CodingKeys: String, CodingKey {
            case id
            case metaUserID = "meta_user_id"
            case appID = "app_id"
            case tokenType = "token_type"
            case status
            case statusReason = "status_reason"
            case renewBy = "renew_by"
            case reconnectURL = "reconnect_url"
            case expiresAt = "expires_at"
            case dataAccessExpiresAt = "data_access_expires_at"
            case scopes
            case lastCheckedAt = "last_checked_at"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }
    }

    /// A dead-lettered queue item.
    struct DeadLetterDTO: Encodable, Sendable {
        var id: Int
        var eventID: Int?
        var targets: [WebhookTarget]
        var attempts: Int
        var lastError: String?
        var createdAt: Date
        var updatedAt: Date

        init(_ item: WorkItem) {
            let payload = try? item.payload.decode(WebhookWorkItem.self)
            self.id = item.id
            self.eventID = payload?.eventID
            self.targets = payload?.targets ?? []
            self.attempts = item.attempts
            self.lastError = item.lastError
            self.createdAt = item.createdAt
            self.updatedAt = item.updatedAt
        }

        enum CodingKeys: String, CodingKey {
            case id
            case eventID = "event_id"
            case targets, attempts
            case lastError = "last_error"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }
    }

    struct ListResponse<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
        var data: [Item]
    }

    // MARK: - Handlers

    @Sendable func listConnections(_ request: Request, context: AppRequestContext) async throws -> ListResponse<ConnectionDTO> {
        let now = self.now()
        return ListResponse(data: try await self.store.connections.all().map { ConnectionDTO($0, now: now, expiringWithin: self.expiringWithin) })
    }

    @Sendable func listAccounts(_ request: Request, context: AppRequestContext) async throws -> Page<AdAccountRow> {
        let query = try ListQuery(request)
        var filters = [ListReads.Filter(column: "connection_id", values: query.list("connection_id"))]
        if let account = query.single("account_id") { filters.append(.init(column: "account_id", values: [Self.numericAccount(account)])) }
        return try await self.page(AdAccountRow.self, filters: filters, query: query)
    }

    @Sendable func listCampaigns(_ request: Request, context: AppRequestContext) async throws -> Page<CampaignRow> {
        let query = try ListQuery(request)
        let filters = Self.commonFilters(query)
        return try await self.page(CampaignRow.self, filters: filters, query: query)
    }

    @Sendable func listAdSets(_ request: Request, context: AppRequestContext) async throws -> Page<AdSetRow> {
        let query = try ListQuery(request)
        var filters = Self.commonFilters(query)
        filters.append(.init(column: "campaign_id", values: query.list("campaign_id") + query.list("parent_id")))
        return try await self.page(AdSetRow.self, filters: filters, query: query)
    }

    @Sendable func listAds(_ request: Request, context: AppRequestContext) async throws -> Page<AdRow> {
        let query = try ListQuery(request)
        var filters = Self.commonFilters(query)
        filters.append(.init(column: "campaign_id", values: query.list("campaign_id")))
        filters.append(.init(column: "adset_id", values: query.list("adset_id") + query.list("parent_id")))
        return try await self.page(AdRow.self, filters: filters, query: query)
    }

    @Sendable func listInsights(_ request: Request, context: AppRequestContext) async throws -> Page<InsightDTO> {
        let query = try ListQuery(request)
        let level = query.single("level")
        if let level, PerformanceSnapshotRow.Level(rawValue: level) == nil {
            throw APIError.badRequest("level must be one of account, campaign, adset, ad", code: "invalid_parameter")
        }
        let window = try Self.window(query)
        let (since, until) = try query.dayBounds()
        let offset = try query.offset()
        let result = try await self.store.lists.insights(
            level: level,
            objectIDs: query.list("object_id"),
            accountID: query.single("account_id").map(Self.numericAccount),
            since: since,
            until: until,
            offset: offset,
            limit: query.limit
        )
        let next = result.hasMore ? Cursor.encode(String(offset + result.rows.count)) : nil
        let conversions = try await self.conversions(of: result.rows, window: window)
        let data = result.rows.map { row in
            InsightDTO(row: row, conversions: conversions[row.upsertKey].map { ConversionsDTO($0, primary: self.primaryConversion) })
        }
        return Page(data: data, paging: .init(nextCursor: next, limit: query.limit))
    }

    @Sendable func listSyncRuns(_ request: Request, context: AppRequestContext) async throws -> ListResponse<SyncRunRow> {
        let query = try ListQuery(request)
        // sync_runs.account_id holds the Graph id (`act_<n>`); accept `<n>` too, as every other account filter does.
        let account = query.single("account_id").map { "act_" + Self.numericAccount($0) }
        let runs = try await self.store.syncRuns.recent(limit: query.limit, accountID: account)
        return ListResponse(data: runs)
    }

    @Sendable func listWebhookEvents(_ request: Request, context: AppRequestContext) async throws -> Page<WebhookEventRow> {
        let query = try ListQuery(request)
        let status = query.single("status")
        if let status, WebhookEventRow.Status(rawValue: status) == nil {
            throw APIError.badRequest(
                "status must be one of " + WebhookEventRow.Status.allCases.map(\.rawValue).joined(separator: ", "),
                code: "invalid_parameter"
            )
        }
        var before: Int?
        if let cursor = query.cursor {
            guard let key = Cursor.decode(cursor), let value = Int(key) else { throw ListQuery.invalidCursor }
            before = value
        }
        let result = try await self.store.lists.webhookEvents(status: status, field: query.single("field"), before: before, limit: query.limit)
        let next = result.hasMore ? result.rows.last?.id.map { Cursor.encode(String($0)) } : nil
        return Page(data: result.rows, paging: .init(nextCursor: next, limit: query.limit))
    }

    @Sendable func listDeadLetters(_ request: Request, context: AppRequestContext) async throws -> ListResponse<DeadLetterDTO> {
        let query = try ListQuery(request)
        let items = try await self.store.queue.deadLetters(queue: self.webhookQueue, limit: query.limit)
        return ListResponse(data: items.map(DeadLetterDTO.init))
    }

    @Sendable func retryDeadLetter(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int.self) else {
            throw APIError.badRequest("id must be an integer", code: "invalid_parameter")
        }
        guard try await self.store.queue.requeueDead(id: id, now: self.now()) else {
            throw APIError.notFound("No dead-lettered item \(id)")
        }
        self.logger.notice("dead letter requeued", metadata: ["item_id": "\(id)"])
        return Response(
            status: .accepted,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: .init(string: #"{"status":"requeued"}"#))
        )
    }

    @Sendable func sync(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let trigger = self.syncTrigger else { throw APIError.unavailable("Syncing is not available in this server") }
        let body: SyncTriggerRequest
        do {
            body = try await request.decode(as: SyncTriggerRequest.self, context: context)
        } catch {
            throw APIError.badRequest("The body must be JSON: {\"connection_id\": \"...\"} or {\"account_id\": \"act_...\"}", code: "invalid_body")
        }
        guard body.connectionID != nil || body.accountID != nil else {
            throw APIError.badRequest("Give connection_id or account_id", code: "invalid_body")
        }
        do {
            let receipt = try await trigger.triggerSync(body)
            var response = try context.responseEncoder.encode(receipt, from: request, context: context)
            response.status = .accepted
            return response
        } catch let error as SyncTriggerError {
            switch error.kind {
            case .notFound: throw APIError.notFound(error.message)
            case .invalid: throw APIError.badRequest(error.message, code: "invalid_body")
            case .unavailable: throw APIError.unavailable(error.message)
            }
        }
    }

    // MARK: - Helpers

    private func page<Row: MirroredRow>(_ type: Row.Type, filters: [ListReads.Filter], query: ListQuery) async throws -> Page<Row> {
        var after: String?
        if let cursor = query.cursor {
            guard let key = Cursor.decode(cursor) else { throw ListQuery.invalidCursor }
            after = key
        }
        let result = try await self.store.lists.page(type, filters: filters, after: after, limit: query.limit)
        let next = result.hasMore ? result.lastKey.map(Cursor.encode) : nil
        return Page(data: result.rows, paging: .init(nextCursor: next, limit: query.limit))
    }

    /// `account_id` (numeric or `act_<n>`) and `status` (effective status, comma-separated).
    private static func commonFilters(_ query: ListQuery) -> [ListReads.Filter] {
        [
            .init(column: "account_id", values: query.list("account_id").map(Self.numericAccount)),
            .init(column: "effective_status", values: query.list("status").map { $0.uppercased() }),
        ]
    }

    /// 404 unless the ad account (numeric id) is stored, so that a mistyped id is not answered like an account without
    /// data.
    func requireStoredAccount(_ accountID: String) async throws {
        guard try await self.store.adAccounts.get(id: "act_" + accountID) != nil else {
            throw APIError.notFound("No ad account act_\(accountID) is stored. Run `metasync sync` first, or check the id.")
        }
    }

    /// `act_123` → `123`.
    static func numericAccount(_ id: String) -> String {
        id.hasPrefix("act_") ? String(id.dropFirst(4)) : id
    }
}

extension Page: ResponseEncodable {}

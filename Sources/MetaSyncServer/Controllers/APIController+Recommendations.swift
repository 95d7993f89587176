import Foundation
import Hummingbird
import Logging
import MetaStore
import Recommendations

extension APIController {
    /// `GET /api/recommendations?account_id=…&kind=…&severity=…&status=…`: recommendations ranked by estimated impact
    /// (highest first), every status unless `status` is given; `limit` caps the list.
    @Sendable func listRecommendations(_ request: Request, context: AppRequestContext) async throws -> ListResponse<RecommendationView> {
        let query = try ListQuery(request)
        let accountID = try query.requiredAccount()
        var filter = RecommendationRepository.Filter(accountID: accountID, limit: 10_000)
        if let kind = query.single("kind") {
            guard RecommendationKind(rawValue: kind) != nil else {
                throw APIError.badRequest(
                    "kind must be one of \(RecommendationKind.allCases.map(\.rawValue).joined(separator: ", "))",
                    code: "invalid_parameter"
                )
            }
            filter.kind = kind
        }
        if let text = query.single("severity") {
            guard let severity = RecommendationRow.Severity(rawValue: text) else {
                throw APIError.badRequest("severity must be high, medium or low", code: "invalid_parameter")
            }
            filter.severity = severity
        }
        if let text = query.single("status") {
            guard let status = RecommendationRow.Status(rawValue: text) else {
                throw APIError.badRequest("status must be open, resolved, dismissed or applied", code: "invalid_parameter")
            }
            filter.status = status
        }
        try await self.requireStoredAccount(accountID)
        let rows = RecommendationEngine.ranked(try await self.store.recommendations.list(filter))
        return ListResponse(data: rows.prefix(query.limit).map(RecommendationView.init))
    }

    /// `POST /api/recommendations/{id}/dismiss`: the recommendation stays dismissed until its evidence changes
    /// materially; answers with the updated recommendation.
    @Sendable func dismissRecommendation(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int.self) else {
            throw APIError.badRequest("id must be an integer", code: "invalid_parameter")
        }
        guard try await self.store.recommendations.setStatus(id: id, .dismissed, at: self.now()),
            let row = try await self.store.recommendations.get(id: id)
        else { throw APIError.notFound("No recommendation \(id)") }
        self.logger.notice("recommendation dismissed", metadata: ["recommendation_id": "\(id)"])
        return try context.responseEncoder.encode(RecommendationView(row), from: request, context: context)
    }
}

extension APIController {
    /// The body of `POST /api/recommendations/{id}/apply`.
    struct ApplyRequest: Decodable, Sendable {
        /// Without `true` the answer only shows the planned write (the confirmation step).
        var confirm: Bool?
        /// `true` acts even though an active Meta Automated Rule already acts on the object (refused otherwise).
        var force: Bool?
    }

    /// The answer of `POST /api/recommendations/{id}/apply`.
    struct ApplyResponse: ResponseEncodable, Sendable {
        var applied: Bool
        /// The Graph request, e.g. `POST /123 status=PAUSED` (never a token).
        var request: String
        var before: [String: String]
        var after: [String: String]
        var auditLogID: Int?
        var graphResponseID: String?

        enum CodingKeys: String, CodingKey {
            case applied, request, before, after
            case auditLogID = "audit_log_id"
            case graphResponseID = "graph_response_id"
        }
    }

    /// `POST /api/recommendations/{id}/apply`: without `{"confirm": true}` shows the exact Graph write; with it makes the
    /// write (pause, or a budget change capped and cooled down), records it in `audit_log` and marks the recommendation
    /// `applied`. 400 for a body that is not the JSON below, for advice-only or not applicable recommendations
    /// (`rule_conflict` when an active Meta Automated Rule already acts on the object: `{"force": true}` overrides), 502
    /// when the write fails (Meta's words in the message), 503 without a writer.
    @Sendable func applyRecommendation(_ request: Request, context: AppRequestContext) async throws -> ApplyResponse {
        guard let id = context.parameters.get("id", as: Int.self) else {
            throw APIError.badRequest("id must be an integer", code: "invalid_parameter")
        }
        let body = try await Self.applyRequest(request)
        let applier = RecommendationApplier(store: self.store, policy: self.recommendationPolicy, now: self.now)
        do {
            let planned = try await applier.plan(id: id, force: body.force == true)
            var response = ApplyResponse(applied: false, request: planned.request, before: planned.before, after: planned.after)
            guard body.confirm == true else { return response }
            guard let writer = self.recommendationWriter else {
                throw APIError.unavailable("Applying recommendations is not available in this server")
            }
            let entry = try await applier.apply(id: id, actor: "api", writer: FailureMarkingWriter(writer: writer), force: body.force == true)
            self.logger.notice("recommendation applied", metadata: ["recommendation_id": "\(id)", "audit_log_id": "\(entry.id ?? 0)"])
            response.applied = true
            response.auditLogID = entry.id
            response.graphResponseID = entry.graphResponseID
            return response
        } catch let error as RecommendationError {
            throw APIError.notFound(error.description)
        } catch let refused as ApplyRefused {
            throw APIError.badRequest(refused.description, code: refused.ruleIDs.isEmpty ? "not_applicable" : "rule_conflict")
        } catch let failed as WriteFailed {
            throw APIError(
                .badGateway,
                code: "graph_write_failed",
                message: "The write was not made: \(failed.reason). The attempt is recorded in audit_log; the recommendation is unchanged."
            )
        }
    }

    /// The body of an apply request: empty (show the planned write) or ``ApplyRequest`` JSON; anything else is refused
    /// rather than read as "not confirmed".
    static func applyRequest(_ request: Request) async throws -> ApplyRequest {
        let bytes = try await request.body.collect(upTo: 16 * 1024)
        guard bytes.readableBytesView.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            return ApplyRequest(confirm: nil, force: nil)
        }
        do {
            return try JSONDecoder().decode(ApplyRequest.self, from: Data(bytes.readableBytesView))
        } catch {
            throw APIError.badRequest(
                #"the body must be empty (to see the planned write) or JSON like {"confirm": true} (booleans confirm and force)"#,
                code: "invalid_body"
            )
        }
    }

    /// A failure of the Graph write itself, told apart from the store's errors around it (``GraphError`` and the
    /// engine's errors are scrubbed of tokens, so their descriptions may be shown).
    struct WriteFailed: Error, CustomStringConvertible {
        var reason: String
        var description: String { self.reason }
    }

    /// Passes writes on and marks what they throw as ``WriteFailed``.
    struct FailureMarkingWriter: GraphObjectWriter {
        let writer: any GraphObjectWriter

        func write(objectID: String, level: PerformanceSnapshotRow.Level, accountID: String, fields: [(String, String)]) async throws -> String {
            do {
                return try await self.writer.write(objectID: objectID, level: level, accountID: accountID, fields: fields)
            } catch {
                throw WriteFailed(reason: String(describing: error))
            }
        }
    }
}

extension APIController {
    /// The body of `GET /api/accounts/{id}/opportunity-score` (``MetaOverview``'s JSON).
    struct OpportunityScoreResponse: ResponseEncodable, Sendable {
        var overview: MetaOverview

        func encode(to encoder: any Encoder) throws { try self.overview.encode(to: encoder) }
    }

    /// `GET /api/accounts/{id}/opportunity-score`: Meta's opportunity score of the account (with its history), Meta's
    /// live recommendations and the latest `creative_fatigue` level per ad. 404 for an account that is not stored.
    @Sendable func opportunityScore(_ request: Request, context: AppRequestContext) async throws -> OpportunityScoreResponse {
        let raw = context.parameters.get("id") ?? ""
        let accountID = Self.numericAccount(raw)
        guard !accountID.isEmpty, accountID.allSatisfy(\.isNumber) else {
            throw APIError.badRequest("the account id must be act_<digits> or its digits", code: "invalid_parameter")
        }
        try await self.requireStoredAccount(accountID)
        return OpportunityScoreResponse(overview: try await MetaOverview.load(self.store, accountID: accountID))
    }
}

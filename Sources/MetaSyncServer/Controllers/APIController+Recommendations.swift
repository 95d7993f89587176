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
        guard let account = query.single("account_id") else {
            throw APIError.badRequest("account_id is required, e.g. ?account_id=act_1234567890", code: "invalid_parameter")
        }
        var filter = RecommendationRepository.Filter(accountID: Self.numericAccount(account), limit: 10_000)
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

import Foundation
import GraphAPI
import Hummingbird
import MetaStore
import Recommendations

extension APIController {
    /// A mirrored Meta Automated Rule as the API shows it: the specs as Graph sent them, and whether it acts on objects.
    struct AdRuleDTO: Encodable, Sendable {
        var id: String
        var accountID: String
        var name: String?
        var status: String?
        var evaluationSpec: JSONValue?
        var executionSpec: JSONValue?
        var scheduleSpec: JSONValue?
        var createdTime: Date?
        var updatedTime: Date?
        /// Enabled and changing objects (not a notification rule): MetaSync stands back from objects in its scope.
        var acts: Bool
        var syncedAt: Date

        enum CodingKeys: String, CodingKey {
            case id
            case accountID = "account_id"
            case name, status
            case evaluationSpec = "evaluation_spec"
            case executionSpec = "execution_spec"
            case scheduleSpec = "schedule_spec"
            case createdTime = "created_time"
            case updatedTime = "updated_time"
            case acts
            case syncedAt = "synced_at"
        }

        init(_ row: AdRuleRow) {
            func json(_ text: JSONText?) -> JSONValue? { text.flatMap { try? JSONValue.parse($0.rawValue) } }
            self.id = row.id
            self.accountID = row.accountID
            self.name = row.name
            self.status = row.status
            self.evaluationSpec = json(row.evaluationSpec)
            self.executionSpec = json(row.executionSpec)
            self.scheduleSpec = json(row.scheduleSpec)
            self.createdTime = row.createdTime
            self.updatedTime = row.updatedTime
            self.acts = AutomatedRule(row: row).acts
            self.syncedAt = row.syncedAt
        }
    }

    /// `GET /api/ad-rules?account_id=…`: the account's Meta Automated Rules (`ad_rules`, read-only mirror of
    /// `/act_X/adrules_library`), ordered by id.
    @Sendable func listAdRules(_ request: Request, context: AppRequestContext) async throws -> ListResponse<AdRuleDTO> {
        let query = try ListQuery(request)
        let accountID = try query.requiredAccount()
        try await self.requireStoredAccount(accountID)
        let rows = try await self.store.adRules.list(accountID: accountID)
        return ListResponse(data: rows.prefix(query.limit).map(AdRuleDTO.init))
    }
}

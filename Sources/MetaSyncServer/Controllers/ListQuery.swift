import Foundation
import Hummingbird
import MetaStore

/// The common query parameters of list endpoints: `limit` (1…500, default 100), `cursor`, and filters that may be
/// repeated or comma-separated.
struct ListQuery: Sendable {
    let parameters: [String: [String]]
    let limit: Int
    let cursor: String?

    static let invalidCursor = APIError.badRequest("cursor is not valid: pass paging.next_cursor from the previous page", code: "invalid_cursor")

    init(_ request: Request) throws {
        var parameters: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters {
            let values = value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            parameters[String(key), default: []] += values
        }
        self.parameters = parameters
        if let text = parameters["limit"]?.last {
            guard let limit = Int(text), (1...APIController.maxLimit).contains(limit) else {
                throw APIError.badRequest("limit must be an integer from 1 to \(APIController.maxLimit)", code: "invalid_parameter")
            }
            self.limit = limit
        } else {
            self.limit = APIController.defaultLimit
        }
        self.cursor = parameters["cursor"]?.last
    }

    func list(_ name: String) -> [String] { self.parameters[name] ?? [] }

    func single(_ name: String) -> String? { self.parameters[name]?.last }

    /// The value of a required parameter; 400 `missing_parameter` (naming it, with `example`) when it is absent.
    func required(_ name: String, example: String) throws -> String {
        guard let value = self.single(name) else { throw APIError.missingParameter(name, example: example) }
        return value
    }

    /// The required `account_id` as its digits (`act_<n>` or `<n>`): 400 `missing_parameter` when it is absent,
    /// `invalid_parameter` when it is neither form.
    func requiredAccount() throws -> String {
        let digits = APIController.numericAccount(try self.required("account_id", example: "act_1234567890"))
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw APIError.badRequest("account_id must be act_<digits> or its digits, e.g. act_1234567890", code: "invalid_parameter")
        }
        return digits
    }

    func day(_ name: String) throws -> CalendarDay? {
        guard let text = self.single(name) else { return nil }
        do {
            return try CalendarDay(text)
        } catch {
            throw APIError.badRequest("\(name) must be a date YYYY-MM-DD", code: "invalid_parameter")
        }
    }

    /// `since` and `until` (dates, either may be missing), rejected when `since` is after `until`.
    func dayBounds() throws -> (since: CalendarDay?, until: CalendarDay?) {
        let since = try self.day("since")
        let until = try self.day("until")
        if let since, let until, since > until { throw APIError.badRequest("since must not be after until", code: "invalid_parameter") }
        return (since, until)
    }

    /// The row offset held by an offset cursor (insights, reports); 0 without a cursor.
    func offset() throws -> Int {
        guard let cursor = self.cursor else { return 0 }
        guard let key = Cursor.decode(cursor), let value = Int(key), value >= 0 else { throw Self.invalidCursor }
        return value
    }
}

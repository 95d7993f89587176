import Foundation
import SQLKit

/// The ledger of the shared SQL call cap (`call_budget_calls`, locked per user through `call_budget_users`): the
/// writes of the cap that live in MetaStore.
///
/// ```swift
/// try await CallBudgetLedger(database: db).refund(userID: "1001", cost: 1, chargedAt: chargedAt)
/// ```
public struct CallBudgetLedger: Sendable {
    let executor: StoreExecutor

    public init(database: MetaDatabase) {
        self.executor = StoreExecutor(database: database, transactionSQL: nil)
    }

    /// Gives back refused calls: deletes the row a charge of `cost` calls at `chargedAt` inserted (nothing when it
    /// already left the window and was swept), under the user's row lock like every charge.
    public func refund(userID: String, cost: Int, chargedAt: Date) async throws {
        guard cost > 0 else { return }
        try await self.executor.write { sql in
            try await sql.insert(into: "call_budget_users")
                .columns("meta_user_id", "updated_at")
                .values(SQLBind(userID), SQLBind(chargedAt))
                .onConflict(with: ["meta_user_id"]) { $0.set(excludedValueOf: "updated_at") }
                .run()
            let row = try await sql.select().column("id").from("call_budget_calls")
                .where("meta_user_id", .equal, SQLBind(userID))
                .where("called_at", .equal, SQLBind(chargedAt))
                .where("calls", .equal, SQLBind(cost))
                .limit(1)
                .first()
            guard let id = try row?.decode(column: "id", as: Int.self) else { return }
            try await sql.delete(from: "call_budget_calls").where("id", .equal, SQLBind(id)).run()
        }
    }
}

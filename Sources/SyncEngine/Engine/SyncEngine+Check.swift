import Foundation
import GraphAPI
import Logging
import MetaStore

extension SyncEngine {
    /// The connectivity test behind `metasync check`: for each connection (or one), `debug_token` (valid, expiry,
    /// data-access expiry, scopes), `/me/adaccounts` (accounts visible) and the current usage (call budget, governor).
    ///
    /// Costs 2 calls per connection (plus one per further page of accounts). Updates the connection's status like
    /// ``ensureConnectionAccessToken(connectionID:)`` does (an invalid token marks it `expired`). Each problem comes
    /// with what to do about it.
    /// - Throws: ``SyncEngineError/connectionNotFound(_:)``; Graph failures become problems in the report.
    public func check(connectionID: String? = nil) async throws -> ConnectivityReport {
        let rows: [MetaConnectionRow]
        if let connectionID {
            guard let row = try await self.store.connections.get(id: connectionID) else { throw SyncEngineError.connectionNotFound(connectionID) }
            rows = [row]
        } else {
            rows = try await self.store.connections.all()
        }
        var report = ConnectivityReport(connections: [], usage: self.client.governor.snapshot(now: self.time.now()), problems: [])
        if rows.isEmpty {
            report.problems.append("No Meta connection is registered. Run `metasync connections add --access-token -` or connect through OAuth.")
        }
        for row in rows {
            report.connections.append(await self.checkConnection(row))
        }
        report.usage = self.client.governor.snapshot(now: self.time.now())
        return report
    }

    func checkConnection(_ row: MetaConnectionRow) async -> ConnectivityReport.Connection {
        let counter = CallCounter()
        var result = ConnectivityReport.Connection(
            connectionID: row.id,
            metaUserID: row.metaUserID,
            tokenType: row.tokenType,
            tokenValid: false,
            expiresAt: row.expiresAt,
            dataAccessExpiresAt: row.dataAccessExpiresAt,
            scopes: row.scopeList,
            missingScopes: [],
            accounts: [],
            status: row.status,
            budget: nil,
            problems: [],
            callsUsed: 0
        )
        defer { result.callsUsed = counter.value }
        if row.status == .revoked {
            result.problems.append("The user removed the app (connection revoked). Connect the account again.")
            result.callsUsed = counter.value
            return result
        }
        do {
            let state = try await self.ensureToken(connectionID: row.id, forceCheck: true, counter: counter)
            result.status = state.status
            result.expiresAt = state.expiresAt
            result.dataAccessExpiresAt = state.dataAccessExpiresAt
            result.scopes = state.scopes
            result.tokenValid = state.isUsable
            result.tokenType = try await self.store.connections.get(id: row.id)?.tokenType ?? row.tokenType
            guard state.isUsable else {
                result.problems.append(state.message ?? "The access token is not usable. Connect the account again.")
                result.callsUsed = counter.value
                return result
            }
            if state.status == .expiring {
                result.warnings.append(
                    (state.message ?? "The token or its data access expires soon.")
                        + " Re-connect (the dashboard's Re-connect link, or `metasync connections add` with a new token) keeps this connection and its accounts."
                )
            }
            result.missingScopes = self.missingScopes(state.scopes)
            if !result.missingScopes.isEmpty {
                result.problems.append(
                    "The token lacks the permission(s) \(result.missingScopes.joined(separator: ", ")). Reconnect and grant them (auth_type=rerequest)."
                )
            }
            try await self.readVisibleAccounts(of: row, counter: counter, into: &result.accounts)
            if result.accounts.isEmpty {
                result.problems.append("The token sees no ad account. Grant the app access to an ad account in Business Manager, then check again.")
            }
            if let budget = self.client.budget {
                result.budget = try? await budget.usage(userID: row.metaUserID, now: self.time.now())
            }
        } catch {
            result.problems.append("Graph could not be reached or refused the check: \(error). Check the network and --graph-url, then retry.")
        }
        result.callsUsed = counter.value
        return result
    }

    /// The required scopes a token lacks (`ads_management` implies the others).
    func missingScopes(_ scopes: [String]) -> [String] {
        self.configuration.requiredScopes.filter { !scopes.contains($0) && !scopes.contains("ads_management") }
    }

    /// Appends the ad accounts the connection's token sees (`/me/adaccounts`, every page; the pages read before a
    /// failure stay).
    func readVisibleAccounts(of row: MetaConnectionRow, counter: CallCounter, into accounts: inout [ConnectivityReport.Account]) async throws {
        let token = try await self.store.connections.accessToken(connectionID: row.id)
        let caller = self.caller(provider: GraphStaticTokenProvider(GraphSecret(token)), userID: row.metaUserID, counter: counter)
        var after: String?
        repeat {
            let page = try await caller.page(
                "/me/adaccounts",
                parameters: GraphParameters().fields(["id", "name", "currency", "account_status"]),
                after: after,
                limit: self.configuration.entityPageSize,
                shrinking: true
            )
            accounts += page.items.compactMap { item in
                guard let id = item["id"]?.stringValue else { return nil }
                return ConnectivityReport.Account(
                    id: Self.graphAccountID(id),
                    name: item["name"]?.stringValue,
                    currency: item["currency"]?.stringValue,
                    accountStatus: EntityMapper.int(item["account_status"])
                )
            }
            after = page.after
        } while after != nil
    }
}

import Foundation
import MetaStore

/// Turns one evaluation's findings into changes of the `recommendations` table (pure).
///
/// - One live row per (object, kind): a finding with no live row inserts one (`open`); with an `open` row it updates
///   that row when anything changed.
/// - A `dismissed` row stays dismissed until the evidence changes materially: the severity rises, or the signal moves
///   by ``RecommendationThresholds/materialChange`` (relative); then it is reopened with the new evidence.
/// - An `applied` row is left as it is while the condition holds.
/// - A live row whose condition no longer fires is resolved (`resolved_at` = now).
public enum Lifecycle {
    /// The changes that bring `live` (the account's rows that are not resolved) in line with `findings`.
    public static func plan(
        findings: [Finding],
        live: [RecommendationRow],
        accountID: String,
        currency: String?,
        now: Date,
        thresholds t: RecommendationThresholds
    ) throws -> RecommendationRepository.Changes {
        var changes = RecommendationRepository.Changes(resolvedAt: now)
        var byKey: [String: RecommendationRow] = [:]
        for row in live { byKey[Self.key(row)] = row }
        var seen = Set<String>()
        for finding in findings {
            let key = finding.objectID + "|" + finding.kind.rawValue + "|" + finding.variant
            guard seen.insert(key).inserted else { continue }
            var row = try Self.row(finding, accountID: accountID, currency: currency, now: now)
            guard let existing = byKey[key] else {
                changes.inserts.append(row)
                continue
            }
            row.id = existing.id
            row.firstSeenAt = existing.firstSeenAt
            switch existing.status {
            case .open:
                if !Self.sameContent(existing, row) { changes.updates.append(row) }
            case .dismissed:
                if try Self.isMaterial(from: existing, to: finding, t) { changes.updates.append(row) }
            case .applied, .resolved:
                break
            }
        }
        for row in live where !seen.contains(Self.key(row)) {
            if let id = row.id { changes.resolves.append(id) }
        }
        return changes
    }

    /// The live-row key of a stored row: object, kind and variant.
    static func key(_ row: RecommendationRow) -> String { row.objectID + "|" + row.kind + "|" + row.variant }

    /// The table row of a finding (status `open`, first seen and updated `now`).
    public static func row(_ finding: Finding, accountID: String, currency: String?, now: Date) throws -> RecommendationRow {
        RecommendationRow(
            accountID: accountID,
            level: finding.level,
            objectID: finding.objectID,
            kind: finding.kind.rawValue,
            severity: finding.severity,
            status: .open,
            title: finding.title,
            evidence: JSONText(rawValue: try Self.json(finding.evidence)),
            action: JSONText(rawValue: try Self.json(finding.action)),
            estimatedImpact: finding.estimatedImpact.flatMap { ExactDecimal(exactly: String(format: "%.2f", $0)) },
            currency: currency,
            firstSeenAt: now,
            updatedAt: now,
            variant: finding.variant
        )
    }

    /// Whether a dismissed row's evidence changed enough to bring it back.
    static func isMaterial(from row: RecommendationRow, to finding: Finding, _ t: RecommendationThresholds) throws -> Bool {
        if finding.severity > row.severity { return true }
        let old = try row.evidence.decode(Evidence.self).signal
        return abs(finding.evidence.signal - old) >= t.materialChange * max(abs(old), 1e-9)
    }

    private static func sameContent(_ lhs: RecommendationRow, _ rhs: RecommendationRow) -> Bool {
        lhs.severity == rhs.severity && lhs.title == rhs.title && lhs.evidence == rhs.evidence && lhs.action == rhs.action
            && lhs.estimatedImpact == rhs.estimatedImpact && lhs.currency == rhs.currency
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

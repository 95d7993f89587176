import Foundation

/// Precision and recall of findings against known (planted) problems, per kind: the proof of the rules.
public struct DetectionScore: Sendable, Equatable {
    /// One kind's counts.
    public struct Counts: Sendable, Equatable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0

        public init() {}

        /// 1 when nothing was reported.
        public var precision: Double {
            self.truePositives + self.falsePositives == 0 ? 1 : Double(self.truePositives) / Double(self.truePositives + self.falsePositives)
        }

        /// 1 when nothing was planted.
        public var recall: Double {
            self.truePositives + self.falseNegatives == 0 ? 1 : Double(self.truePositives) / Double(self.truePositives + self.falseNegatives)
        }
    }

    /// A (kind, object) pair.
    public struct Item: Sendable, Hashable {
        public var kind: String
        public var objectID: String

        public init(kind: String, objectID: String) {
            self.kind = kind
            self.objectID = objectID
        }
    }

    public var byKind: [String: Counts] = [:]

    public init() {}

    /// The item a finding counts as: its kind, except the CPA side of `spend_anomaly` (`labels.metric` = `cpa`), which is
    /// scored as `spend_anomaly_cpa` so that spend and CPA anomalies each get their row.
    public static func item(_ finding: Finding) -> Item {
        let cpa = finding.kind == .spendAnomaly && finding.evidence.labels?["metric"] == "cpa"
        return Item(kind: cpa ? "spend_anomaly_cpa" : finding.kind.rawValue, objectID: finding.objectID)
    }

    /// Adds one account's (or run's) expected and found items.
    public mutating func add(expected: Set<Item>, found: Set<Item>) {
        for item in found { self.byKind[item.kind, default: Counts()].truePositives += expected.contains(item) ? 1 : 0 }
        for item in found where !expected.contains(item) { self.byKind[item.kind, default: Counts()].falsePositives += 1 }
        for item in expected where !found.contains(item) { self.byKind[item.kind, default: Counts()].falseNegatives += 1 }
    }

    /// A text table: kind, planted, found, true positives, precision, recall.
    public var table: String {
        var lines = ["kind                 planted  found  correct  precision  recall"]
        for kind in self.byKind.keys.sorted() {
            let c = self.byKind[kind] ?? Counts()
            lines.append(
                kind.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + String(
                        format: " %7d %6d %8d %10.2f %7.2f",
                        c.truePositives + c.falseNegatives,
                        c.truePositives + c.falsePositives,
                        c.truePositives,
                        c.precision,
                        c.recall
                    )
            )
        }
        return lines.joined(separator: "\n")
    }
}

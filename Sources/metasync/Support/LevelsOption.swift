import ArgumentParser
import MetaStore

/// `--levels campaign,adset,ad`: the insights levels to sync.
struct LevelsOption: ExpressibleByArgument, Sendable {
    var levels: [PerformanceSnapshotRow.Level]

    init?(argument: String) {
        guard let parsed = try? Self.parse(argument) else { return nil }
        self = parsed
    }

    private init(levels: [PerformanceSnapshotRow.Level]) {
        self.levels = levels
    }

    /// Parses `argument`, or says which part is wrong and what is allowed (`@Option(transform:)` prints it).
    static func parse(_ argument: String) throws -> LevelsOption {
        let allowed = PerformanceSnapshotRow.Level.allCases.map(\.rawValue).joined(separator: ", ")
        var levels: [PerformanceSnapshotRow.Level] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(part.filter { !$0.isWhitespace }).lowercased()
            if name.isEmpty { continue }
            guard let level = PerformanceSnapshotRow.Level(rawValue: name) else {
                throw ValidationError("unknown level '\(name.prefix(40))': use \(allowed) (comma-separated), e.g. campaign,adset,ad.")
            }
            if !levels.contains(level) { levels.append(level) }
        }
        guard !levels.isEmpty else { throw ValidationError("no level given: use \(allowed) (comma-separated), e.g. campaign,adset,ad.") }
        return LevelsOption(levels: levels)
    }
}

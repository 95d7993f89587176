import ArgumentParser
import MetaStore

/// `--levels campaign,adset,ad`: the insights levels to sync.
struct LevelsOption: ExpressibleByArgument, Sendable {
    var levels: [PerformanceSnapshotRow.Level]

    init?(argument: String) {
        var levels: [PerformanceSnapshotRow.Level] = []
        for part in argument.split(separator: ",") {
            guard let level = PerformanceSnapshotRow.Level(rawValue: part.lowercased()) else { return nil }
            if !levels.contains(level) { levels.append(level) }
        }
        guard !levels.isEmpty else { return nil }
        self.levels = levels
    }
}

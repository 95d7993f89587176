import ArgumentParser

/// A duration given on the command line as `90s`, `15m`, `1h` or `1d` (a bare number means seconds).
struct DurationOption: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    var duration: Duration
    private var text: String

    init?(argument: String) {
        let trimmed = argument.trimmingCharacters(in: " ")
        let units: [(Character, Int64)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        var multiplier: Int64 = 1
        var digits = Substring(trimmed)
        if let last = trimmed.last, let unit = units.first(where: { $0.0 == last }) {
            multiplier = unit.1
            digits = digits.dropLast()
        }
        guard let value = Int64(digits), value > 0 else { return nil }
        self.duration = .seconds(value * multiplier)
        self.text = trimmed
    }

    var description: String { self.text }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var result = Substring(self)
        while result.first == character { result = result.dropFirst() }
        while result.last == character { result = result.dropLast() }
        return String(result)
    }
}

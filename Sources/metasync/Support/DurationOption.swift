import ArgumentParser

/// A duration given on the command line as `90s`, `15m`, `1h` or `1d` (a bare number means seconds).
struct DurationOption: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    var duration: Duration
    private var text: String

    init?(argument: String) {
        guard let parsed = try? Self.parse(argument) else { return nil }
        self = parsed
    }

    private init(duration: Duration, text: String) {
        self.duration = duration
        self.text = text
    }

    /// Parses `argument`, or says what is wrong and what is allowed (`@Option(transform:)` prints it).
    static func parse(_ argument: String) throws -> DurationOption {
        let trimmed = argument.trimmingCharacters(in: " ")
        let units: [(Character, Int64)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        var multiplier: Int64 = 1
        var digits = Substring(trimmed)
        if let last = trimmed.last, let unit = units.first(where: { $0.0 == last }) {
            multiplier = unit.1
            digits = digits.dropLast()
        }
        guard let value = Int64(digits) else {
            throw ValidationError("not a duration: use a whole number with s, m, h or d, e.g. 90s, 15m, 1h or 1d.")
        }
        guard value > 0 else { throw ValidationError("the duration must be more than 0s, e.g. 15m.") }
        return DurationOption(duration: .seconds(value * multiplier), text: trimmed)
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

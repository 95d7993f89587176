import ArgumentParser
import Foundation

/// The one parser of every numeric command-line option: `@Option(help: …, transform: NumberOption.parse) var days: Int?`.
///
/// Without it ArgumentParser answers `--days abc` with "The value 'abc' is invalid for '--days <days>'" and nothing
/// on what it wanted; with it the message goes on with what kind of number the option takes and an example. (Ranges,
/// such as "at least 1", are checked by each command's `validate()`, which names the option.)
enum NumberOption {
    /// Parses `argument` as the option's number type, or says what is wrong and what to write instead.
    static func parse<Number: CommandLineNumber>(_ argument: String) throws -> Number {
        let text = argument.trimmingCharacters(in: .whitespaces)
        guard let value = Number(text), value.isUsable else { throw ValidationError(Number.expectation) }
        return value
    }

    /// `text` with the option's default, as ArgumentParser shows it for options without a transform (with one it
    /// shows none): `@Option(help: NumberOption.help("Port to listen on.", default: 9090), transform: …) var port = 9090`.
    /// `NumberOptionTests` checks every such default against the parsed one.
    static func help(_ text: String, default value: some CustomStringConvertible) -> ArgumentHelp {
        ArgumentHelp("\(text) (default: \(value))")
    }
}

/// A number type a command-line option takes, with what to tell a user who wrote something else.
protocol CommandLineNumber: LosslessStringConvertible, Sendable {
    /// What the value must look like, with an example (after ArgumentParser's "The value 'x' is invalid for '--o': ").
    static var expectation: String { get }
    /// False for values the type parses but no option can use (infinity, NaN).
    var isUsable: Bool { get }
}

extension CommandLineNumber {
    var isUsable: Bool { true }
}

extension Int: CommandLineNumber {
    static var expectation: String { "not a whole number: write it in digits, e.g. 28" }
}

extension UInt64: CommandLineNumber {
    static var expectation: String { "not a whole number of 0 or more: write it in digits, e.g. 42" }
}

extension Double: CommandLineNumber {
    static var expectation: String { "not a number: write it in digits, with a decimal point if needed, e.g. 3 or 0.05" }
    var isUsable: Bool { self.isFinite }
}

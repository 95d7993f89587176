import ArgumentParser
import Foundation
import Testing

@testable import metasync

/// A value that is not a number, given to a numeric option or argument of any command, gets a message that says what
/// kind of number it wants and shows one (``NumberOption``), not ArgumentParser's bare "The value 'abc' is invalid".
@Suite struct NumberOptionTests {
    /// One option (or positional argument) of one command, as ArgumentParser's own help dump lists it.
    struct Input: CustomStringConvertible {
        var command: [String]
        /// `--days`, or nil for a positional argument.
        var option: String?

        func arguments(_ value: String) -> [String] { self.command + (self.option.map { [$0, value] } ?? [value]) }
        var description: String { (self.command + [self.option ?? "<argument>"]).joined(separator: " ") }
    }

    /// Every option that takes a value and every positional argument of every command; an option shared through an
    /// option group (same name, same help) once, as parsing is slow in debug builds.
    static func everyInput() throws -> [Input] {
        var dump = ""
        do {
            _ = try MetaSync.parseAsRoot(["--experimental-dump-help"])
        } catch {
            dump = MetaSync.fullMessage(for: error)
        }
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any])
        var inputs: [Input] = []
        var seen: Set<String> = []
        func walk(_ command: [String: Any], _ path: [String]) {
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                let names = (argument["names"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "long" }
                switch argument["kind"] as? String {
                case "option":
                    guard let name = names.first?["name"] as? String else { continue }
                    guard seen.insert(name + "\u{0}" + (argument["abstract"] as? String ?? "")).inserted else { continue }
                    inputs.append(Input(command: path, option: "--" + name))
                case "positional": inputs.append(Input(command: path, option: nil))
                default: break
                }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                walk(sub, path + [sub["commandName"] as? String ?? ""])
            }
        }
        walk(try #require(root["command"] as? [String: Any]), [])
        return inputs
    }

    /// The first line of the message a parse of `arguments` ends with (nil when it parses).
    static func error(_ arguments: [String]) -> String? {
        do {
            _ = try MetaSync.parseAsRoot(arguments)
            return nil
        } catch {
            return MetaSync.fullMessage(for: error).split(separator: "\n").first.map(String.init)
        }
    }

    /// The command type at `path` (`["recommend", "dismiss"]`).
    static func command(_ path: [String]) -> any ParsableCommand.Type {
        var type: any ParsableCommand.Type = MetaSync.self
        for name in path {
            type = type.configuration.subcommands.first { $0._commandName == name } ?? type
        }
        return type
    }

    @Test func noInputOfAnyCommandRefusesAValueWithoutSayingWhatItWants() throws {
        let inputs = try Self.everyInput()
        var numeric = 0
        for input in inputs {
            // Parsed by the command itself (not from the root: much faster with a few hundred inputs).
            let type = Self.command(input.command)
            let arguments = Array(input.arguments("abc").dropFirst(input.command.count))
            let message: String
            do {
                _ = try type.parseAsRoot(arguments)
                continue
            } catch {
                message = type.fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? ""
            }
            guard let range = message.range(of: "is invalid for '") else { continue }
            // After the option's synopsis ArgumentParser adds the reason, or nothing at all.
            let reason = message[range.upperBound...].drop { $0 != "'" }.dropFirst()
            #expect(reason.count > 2, "\(input): \(message)")
            if reason.hasPrefix(": not a") { numeric += 1 }
        }
        // sync, sync-performance, the sandbox shape and selection options, the sandbox server's, recommend's ids.
        #expect(numeric >= 40, "only \(numeric) numeric inputs found among \(inputs.count)")
    }

    @Test(arguments: [
        (["sync", "--days", "abc"], "Error: The value 'abc' is invalid for '--days <days>': not a whole number: write it in digits, e.g. 28"),
        (
            ["sync-performance", "--days", "7d"],
            "Error: The value '7d' is invalid for '--days <days>': not a whole number: write it in digits, e.g. 28"
        ),
        (
            ["sync", "--concurrency", "four"],
            "Error: The value 'four' is invalid for '--concurrency <concurrency>': not a whole number: write it in digits, e.g. 28"
        ),
        (
            ["sync", "--sandbox", "--seed", "4.2"],
            "Error: The value '4.2' is invalid for '--seed <seed>': not a whole number of 0 or more: write it in digits, e.g. 42"
        ),
        (
            ["sandbox", "--fault-rate", "often"],
            "Error: The value 'often' is invalid for '--fault-rate <fault-rate>': not a number: write it in digits, with a decimal point if needed, e.g. 3 or 0.05"
        ),
        (
            ["sandbox", "--drop-rate", "nan"],
            "Error: The value 'nan' is invalid for '--drop-rate <drop-rate>': not a number: write it in digits, with a decimal point if needed, e.g. 3 or 0.05"
        ),
        (["recommend", "dismiss", "x1"], "Error: The value 'x1' is invalid for '<id>': not a whole number: write it in digits, e.g. 28"),
    ])
    func aWrongNumberSaysWhatWasWrongAndWhatToWrite(arguments: [String], message: String) {
        #expect(Self.error(arguments) == message)
    }

    /// A transform hides ArgumentParser's "(default: …)", so `NumberOption.help` writes it: it must be the default the
    /// command really parses to.
    @Test func theDefaultsInTheSandboxHelpAreTheParsedDefaults() throws {
        var dump = ""
        do { _ = try SandboxCommand.parseAsRoot(["--experimental-dump-help"]) } catch { dump = SandboxCommand.fullMessage(for: error) }
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any])
        let arguments = try #require((root["command"] as? [String: Any])?["arguments"] as? [[String: Any]])
        var parsed: [String: String] = [:]
        for child in Mirror(reflecting: try SandboxCommand.parse([])).children {
            guard let label = child.label, label.hasPrefix("_") else { continue }
            let storage = Mirror(reflecting: child.value).children.first { $0.label == "_parsedValue" }?.value
            guard let value = storage.flatMap({ Mirror(reflecting: $0).children.first?.value }) else { continue }
            // adsetsPerCampaign → adsets-per-campaign
            let name = label.dropFirst().reduce(into: "") { $0 += $1.isUppercase ? "-" + $1.lowercased() : String($1) }
            parsed[name] = "\(value)"
        }
        var checked = 0
        for argument in arguments {
            guard let abstract = argument["abstract"] as? String, let start = abstract.range(of: "(default: ", options: .backwards),
                let name = (argument["names"] as? [[String: Any]])?.first(where: { $0["kind"] as? String == "long" })?["name"] as? String,
                abstract.hasSuffix(")")
            else { continue }
            let shown = String(abstract[start.upperBound...].dropLast())
            #expect(parsed[name] == shown, "--\(name): help says \(shown), parses to \(parsed[name] ?? "nothing")")
            checked += 1
        }
        #expect(checked >= 18)
    }

    @Test func goodNumbersStillParse() throws {
        #expect(Self.error(["sync", "--days", " 14 "]) == nil)
        #expect(Self.error(["sandbox", "--fault-rate", "0.05", "--seed", "7", "--port", "9191"]) == nil)
        // Ranges stay with the commands' own checks, which name the option.
        #expect(Self.error(["sync", "--days", "0"]) == "Error: --days must be a whole number of days, at least 1; got 0.")
    }
}

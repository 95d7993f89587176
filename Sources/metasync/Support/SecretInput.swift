import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a secret (an access token) from standard input without echoing it on a terminal.
enum SecretInput {
    /// A secret that could not be read.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads one line from standard input. On a terminal, prompts on standard error and turns echo off while reading.
    /// - Parameter prompt: Shown only on a terminal.
    static func readLine(prompt: String) throws -> String {
        let isTerminal = isatty(STDIN_FILENO) != 0
        var saved = termios()
        if isTerminal {
            FileHandle.standardError.write(Data(prompt.utf8))
            tcgetattr(STDIN_FILENO, &saved)
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        }
        defer {
            if isTerminal {
                tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        guard let line = Swift.readLine(strippingNewline: true) else {
            throw Failure(
                description: "no access token on standard input (pipe it in: `printf %s \"$TOKEN\" | metasync connections add --access-token -`)"
            )
        }
        let secret = line.filter { !$0.isWhitespace }
        guard !secret.isEmpty else { throw Failure(description: "the access token read from standard input is empty") }
        return secret
    }
}

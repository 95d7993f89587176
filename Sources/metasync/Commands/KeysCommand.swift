import ArgumentParser
import Foundation
import Logging
import MetaStore

/// `metasync keys`: manage the key that encrypts access tokens at rest, and make API keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the encryption key for stored access tokens; generate an API key.",
        discussion: """
            Tokens are encrypted with AES-256-GCM. The key comes from METASYNC_ENCRYPTION_KEY (base64, 32 bytes) or, \
            when that is unset, from the key file METASYNC_ENCRYPTION_KEY_FILE (default metasync.key), which is created \
            with mode 0600 on first use. Every ciphertext records the id of its key. `generate-api-key` prints a \
            random key for METASYNC_API_KEY (the server refuses keys shorter than 24 characters).
            """,
        subcommands: [Generate.self, GenerateAPIKey.self, Rotate.self, Status.self]
    )
}

extension KeysCommand {
    /// `metasync keys generate`.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new random key.",
            discussion: """
                With --output, writes it to a new key file (mode 0600; an existing file is never overwritten). \
                Without it, prints the base64 key to standard output, for METASYNC_ENCRYPTION_KEY or a secret store.
                """
        )

        @Option(name: .long, help: ArgumentHelp("Write the key to this new file instead of printing it.", valueName: "path"))
        var output: String?

        func run() async throws {
            let key = EncryptionKey.generate()
            if let output {
                try KeyFile(path: output).write(key, exclusive: true)
                print("wrote key \(key.id) to \(output) (mode 0600)")
            } else {
                print(key.base64)
                FileHandle.standardError.write(Data("key id \(key.id)\n".utf8))
            }
        }
    }

    /// `metasync keys generate-api-key`.
    struct GenerateAPIKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-api-key",
            abstract: "Print a new random API key for METASYNC_API_KEY.",
            discussion: """
                256 random bits from the system's secure generator, as 43 base64url characters: far above the 24 \
                characters metasync serve requires. Nothing is stored; put the key in METASYNC_API_KEY (or [api] key) \
                and restart the server. Changing the key signs every dashboard session out.
                """
        )

        func run() async throws {
            print(Self.newKey())
        }

        /// 32 random bytes as base64url without padding.
        static func newKey() -> String {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
    }

    /// `metasync keys rotate`.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt every stored token under a new key.",
            discussion: """
                Reads the current key (METASYNC_ENCRYPTION_KEY or the key file), generates a new key, writes it to a \
                new file first (mode 0600), re-encrypts every token in one transaction, and only then installs the \
                new key: when the current key came from the key file, the file is replaced; when it came from \
                METASYNC_ENCRYPTION_KEY, the new key stays in --new-key-file and you must set \
                METASYNC_ENCRYPTION_KEY to its contents before the next start. Tokens sealed under older keys can be \
                included with --old-key-file.
                """
        )

        @OptionGroup var databaseOption: DatabaseOption

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Where to write the new key (default: the key file + .new, or metasync.key.new when the key comes from the environment).",
                valueName: "path"
            )
        )
        var newKeyFile: String?

        @Option(name: .long, help: ArgumentHelp("A file holding an older key that some tokens may still use (repeatable).", valueName: "path"))
        var oldKeyFile: [String] = []

        func run() async throws {
            let settings = try self.databaseOption.settings()
            LoggingBootstrap.bootstrap(settings)
            let logger = Logger(label: "metasync.keys")
            let environment = settings.vaultEnvironment
            let (current, source) = try TokenVault.loadWithSource(environment: environment, logger: logger)
            let olderKeys = try self.oldKeyFile.map { try KeyFile(path: $0).load(logger: logger) }
            let newKey = EncryptionKey.generate()
            let stagingPath: String
            switch source {
            case .environment: stagingPath = self.newKeyFile ?? TokenVault.defaultKeyFile + ".new"
            case .file(let path, _): stagingPath = self.newKeyFile ?? path + ".new"
            }
            // 1. The new key is on disk before any token depends on it.
            try KeyFile(path: stagingPath).write(newKey, exclusive: true)
            let rotating = TokenVault(key: newKey, previousKeys: [current.currentKey] + olderKeys)
            let location = try self.databaseOption.location()
            // 2. All tokens, one transaction.
            let count: Int
            do {
                count = try await MetaDatabase.withDatabase(location, logger: logger) { db in
                    try await Migrator.standard.requireCurrent(db)
                    return try await MetaStore(database: db, vault: rotating).connections.reencryptAll(with: rotating, now: Date())
                }
            } catch {
                try? FileManager.default.removeItem(atPath: stagingPath)
                throw error
            }
            // 3. Install the new key.
            switch source {
            case .file(let path, _) where self.newKeyFile == nil:
                do {
                    try KeyFile(path: path).replace(with: KeyFile(path: stagingPath))
                } catch {
                    throw MetaStoreError.keyFile(
                        "re-encrypted \(count) token(s) under key \(newKey.id), but could not move \(stagingPath) to \(path): "
                            + "move it by hand before the next start"
                    )
                }
                print("re-encrypted \(count) token(s): key \(current.currentKey.id) -> \(newKey.id); \(path) now holds the new key")
            case .file(let path, _):
                print(
                    "re-encrypted \(count) token(s): key \(current.currentKey.id) -> \(newKey.id); the new key is in \(stagingPath): "
                        + "replace \(path) with it (or point METASYNC_ENCRYPTION_KEY_FILE at it) before the next start"
                )
            case .environment:
                print(
                    "re-encrypted \(count) token(s): key \(current.currentKey.id) -> \(newKey.id); the new key is in \(stagingPath): "
                        + "set METASYNC_ENCRYPTION_KEY to its contents before the next start, then delete the file"
                )
            }
        }
    }

    /// `metasync keys status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the configured key id and how many stored tokens each key encrypted."
        )

        @OptionGroup var databaseOption: DatabaseOption

        func run() async throws {
            let settings = try self.databaseOption.settings()
            LoggingBootstrap.bootstrap(settings)
            let logger = Logger(label: "metasync.keys")
            let environment = settings.vaultEnvironment
            let (vault, source) = try TokenVault.loadWithSource(environment: environment, logger: logger)
            let origin: String
            switch source {
            case .environment: origin = "METASYNC_ENCRYPTION_KEY"
            case .file(let path, _): origin = path
            }
            print("configured key \(vault.currentKey.id) (from \(origin))")
            let counts = try await MetaDatabase.withDatabase(try self.databaseOption.location(), logger: logger) { db in
                try await Migrator.standard.requireCurrent(db)
                return try await MetaStore(database: db, vault: vault).connections.countByKeyID()
            }
            for (keyID, count) in counts.sorted(by: { $0.key < $1.key }) {
                let note = keyID == vault.currentKey.id ? "" : "  (not the configured key: run `metasync keys rotate --old-key-file ...`)"
                print("\(keyID): \(count) token(s)\(note)")
            }
            if counts.isEmpty { print("no stored tokens") }
        }
    }
}

import Foundation
import Logging
import MetaStore
import SQLKit
import Testing

@Suite struct VaultTests {
    static let token = "EAABsbCS1iHgBAPLAINTEXTtokenZC4ZBZCZAxyz0123456789"

    @Test func roundTripAndKeyIDStoredWithCiphertext() throws {
        let key = EncryptionKey.generate()
        let vault = TokenVault(key: key)
        let sealed = try vault.seal(Self.token, context: "conn-1")
        #expect(sealed.keyID == key.id)
        #expect(!sealed.ciphertext.contains(Self.token))
        #expect(try vault.open(sealed, context: "conn-1") == Self.token)
        // Fresh nonce per seal.
        #expect(try vault.seal(Self.token, context: "conn-1").ciphertext != sealed.ciphertext)
    }

    @Test func wrongKeyIsAClearErrorNotGarbage() throws {
        let sealed = try TokenVault(key: .generate()).seal(Self.token, context: "conn-1")
        let other = TokenVault(key: .generate())
        let error = #expect(throws: MetaStoreError.self) { try other.open(sealed, context: "conn-1") }
        #expect(error?.shortDescription == "wrongEncryptionKey")
        #expect(error?.message.contains(sealed.keyID) == true)
        #expect(error?.message.contains(Self.token) == false)
    }

    @Test func aMovedOrTamperedCiphertextFailsAuthentication() throws {
        let vault = TokenVault(key: .generate())
        let sealed = try vault.seal(Self.token, context: "conn-1")
        let moved = #expect(throws: MetaStoreError.self) { try vault.open(sealed, context: "conn-2") }
        #expect(moved?.shortDescription == "decryptionFailed")
        var bytes = try #require(Data(base64Encoded: sealed.ciphertext))
        bytes[bytes.count / 2] ^= 0x01
        let tampered = SealedToken(ciphertext: bytes.base64EncodedString(), keyID: sealed.keyID)
        #expect(throws: MetaStoreError.self) { try vault.open(tampered, context: "conn-1") }
    }

    @Test func keysFromBase64AreValidated() throws {
        let key = EncryptionKey.generate()
        #expect(try EncryptionKey(base64: key.base64).id == key.id)
        let short = #expect(throws: MetaStoreError.self) { try EncryptionKey(base64: Data(repeating: 7, count: 16).base64EncodedString()) }
        #expect(short?.message.contains("16 bytes") == true)
        #expect(throws: MetaStoreError.self) { try EncryptionKey(base64: "not base64 at all!") }
        let vault = try TokenVault.load(environment: [EncryptionKey.environmentVariable: key.base64], logger: TestBackend.logger)
        #expect(vault.currentKey.id == key.id)
    }

    @Test func keyFileIsCreatedWithMode0600AndReused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("metasync.key").path
        let env = [TokenVault.keyFileEnvironmentVariable: path]
        let first = try TokenVault.load(environment: env, logger: TestBackend.logger)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let second = try TokenVault.load(environment: env, logger: TestBackend.logger)
        #expect(first.currentKey.id == second.currentKey.id)
        // Replacing the key file atomically keeps mode 0600.
        let next = EncryptionKey.generate()
        try KeyFile(path: path).write(next)
        #expect(try KeyFile(path: path).load(logger: TestBackend.logger).id == next.id)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
    }

    @Test func loadIfPresentUsesTheConfiguredKeyButNeverCreatesAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("metasync.key").path
        let env = [TokenVault.keyFileEnvironmentVariable: path]
        #expect(try TokenVault.loadIfPresent(environment: env, logger: TestBackend.logger) == nil)
        #expect(!FileManager.default.fileExists(atPath: path))
        let created = try TokenVault.load(environment: env, logger: TestBackend.logger)
        #expect(try TokenVault.loadIfPresent(environment: env, logger: TestBackend.logger)?.currentKey.id == created.currentKey.id)
        let key = EncryptionKey.generate()
        let fromVariable = try TokenVault.loadIfPresent(
            environment: [EncryptionKey.environmentVariable: key.base64, TokenVault.keyFileEnvironmentVariable: path],
            logger: TestBackend.logger
        )
        #expect(fromVariable?.currentKey.id == key.id)
    }

    @Test(arguments: TestBackend.all)
    func connectionTokensRoundTripAndRotate(backend: TestBackend) async throws {
        let oldKey = EncryptionKey.generate()
        try await backend.withStore(vault: TokenVault(key: oldKey)) { store throws in
            let saved = try await store.connections.save(
                id: "conn-1",
                metaUserID: "6801045783286074",
                appID: "312083254664235",
                accessToken: Self.token,
                tokenType: "USER",
                expiresAt: T.at(5_184_000),
                dataAccessExpiresAt: T.at(7_776_000),
                scopes: ["ads_read", "business_management"],
                now: T.t0
            )
            #expect(saved.tokenKeyID == oldKey.id)
            #expect(saved.scopeList == ["ads_read", "business_management"])
            #expect(try await store.connections.accessToken(connectionID: "conn-1") == Self.token)

            // Rotation: re-encrypt everything under a new key; the old key alone no longer opens it.
            let newKey = EncryptionKey.generate()
            let rotating = TokenVault(key: newKey, previousKeys: [oldKey])
            #expect(try await store.connections.reencryptAll(with: rotating, now: T.at(10)) == 1)
            let rotated = try #require(try await store.connections.get(id: "conn-1"))
            #expect(rotated.tokenKeyID == newKey.id)
            #expect(rotated.createdAt == T.t0)
            let afterRotation = MetaStore(database: store.database, vault: TokenVault(key: newKey))
            #expect(try await afterRotation.connections.accessToken(connectionID: "conn-1") == Self.token)
            let error = await #expect(throws: MetaStoreError.self) {
                try await store.connections.accessToken(connectionID: "conn-1")
            }
            #expect(error?.shortDescription == "wrongEncryptionKey")

            try await afterRotation.connections.updateStatus(id: "conn-1", status: .expired, reason: "token expired", now: T.at(20))
            #expect(try await afterRotation.connections.get(id: "conn-1")?.status == .expired)
        }
    }

    @Test(arguments: TestBackend.all)
    func noTokenPlaintextAnywhereInTheDatabase(backend: TestBackend) async throws {
        let file: String? =
            backend == .sqlite
            ? FileManager.default.temporaryDirectory.appendingPathComponent("metasync-scan-\(UUID().uuidString).sqlite").path : nil
        defer {
            if let file { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) } }
        }
        try await backend.withStore(sqliteFile: file) { store throws in
            for n in 0..<5 {
                try await store.connections.save(
                    id: "conn-\(n)",
                    metaUserID: "user\(n)",
                    appID: "app",
                    accessToken: Self.token + "\(n)",
                    tokenType: "USER",
                    expiresAt: nil,
                    dataAccessExpiresAt: nil,
                    scopes: ["ads_read"],
                    now: T.t0
                )
            }
            _ = try await store.connections.reencryptAll(with: TokenVault(key: .generate(), previousKeys: [store.vault.currentKey]), now: T.at(1))
            // Every text value of every table, read back through SQL.
            let texts = try await store.database.withSQL { sql in
                var all: [String] = []
                for table in MetaStore.tables {
                    for row in try await sql.select().column("*").from(table).all() {
                        for column in row.allColumns {
                            if let text = try? row.decode(column: column, as: String?.self) { all.append(text) }
                        }
                    }
                }
                return all
            }
            #expect(texts.count >= 5 * 5)
            #expect(!texts.contains { $0.contains("EAABsbCS1iHg") })
        }
        if let file {
            // The raw file and its WAL, byte for byte.
            for suffix in ["", "-wal"] {
                guard let data = FileManager.default.contents(atPath: file + suffix) else { continue }
                #expect(data.range(of: Data("EAABsbCS1iHg".utf8)) == nil, "token plaintext found in \(suffix.isEmpty ? "database" : "WAL") file")
            }
            let main = try #require(FileManager.default.contents(atPath: file))
            #expect(main.count > 0)
        }
    }
}

import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file holding one base64 encryption key, readable only by its owner (mode 0600).
public struct KeyFile: Sendable {
    /// The file path.
    public let path: String

    /// A key file at `path`.
    public init(path: String) {
        self.path = path
    }

    /// Whether the file exists.
    public var exists: Bool { FileManager.default.fileExists(atPath: self.path) }

    /// Reads the key.
    public func load(logger: Logger) throws -> EncryptionKey {
        guard let data = FileManager.default.contents(atPath: self.path) else {
            throw MetaStoreError.keyFile("cannot read encryption key file \(self.path)")
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: self.path),
            let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0
        {
            logger.warning(
                "Encryption key file is readable by other users; chmod 600 it",
                metadata: ["path": "\(self.path)", "mode": "\(String(mode, radix: 8))"]
            )
        }
        do {
            return try EncryptionKey(base64: String(decoding: data, as: UTF8.self))
        } catch let error as MetaStoreError {
            throw MetaStoreError.keyFile("encryption key file \(self.path) is invalid: \(error.message)")
        }
    }

    /// Reads the key, or creates the file with a new random key (mode 0600) and logs a warning.
    public func loadOrCreate(logger: Logger) throws -> EncryptionKey {
        if self.exists { return try self.load(logger: logger) }
        let key = EncryptionKey.generate()
        try self.write(key, exclusive: true)
        logger.warning(
            "Created a new encryption key file; back it up, tokens cannot be decrypted without it (or set METASYNC_ENCRYPTION_KEY)",
            metadata: ["path": "\(self.path)", "key_id": "\(key.id)"]
        )
        return key
    }

    /// Atomically moves the key file at `staged` over this one (`rename(2)`).
    public func replace(with staged: KeyFile) throws {
        guard rename(staged.path, self.path) == 0 else {
            throw MetaStoreError.keyFile("cannot move \(staged.path) to \(self.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `key` with mode 0600: atomically replacing the file (via a temporary file and rename), or, when
    /// `exclusive`, only if the file does not exist yet.
    public func write(_ key: EncryptionKey, exclusive: Bool = false) throws {
        let target = exclusive ? self.path : self.path + ".tmp-\(getpid())"
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw MetaStoreError.keyFile("cannot create encryption key file \(target): \(String(cString: strerror(errno)))")
        }
        let bytes = Array((key.base64 + "\n").utf8)
        let written = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            unlink(target)
            throw MetaStoreError.keyFile("cannot write encryption key file \(target)")
        }
        if !exclusive {
            guard rename(target, self.path) == 0 else {
                unlink(target)
                throw MetaStoreError.keyFile("cannot replace encryption key file \(self.path): \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// `write(2)`, named apart from ``KeyFile/write(_:exclusive:)``.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

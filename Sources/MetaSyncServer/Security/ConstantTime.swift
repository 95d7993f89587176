import Crypto
import Foundation

/// Comparisons whose duration does not depend on where two secrets first differ.
enum ConstantTime {
    /// Whether `a` and `b` are equal, in time that depends only on their lengths.
    static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// Whether two strings are equal; both are hashed first, so not even their lengths leak.
    static func equals(_ a: String, _ b: String) -> Bool {
        Self.equals(Array(SHA256.hash(data: Data(a.utf8))), Array(SHA256.hash(data: Data(b.utf8))))
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The holder id written into `sync_leases` by this process.
public enum SyncLeaseHolder {
    /// `<host>:<pid>:<8 random hex digits>`: unique per process, readable in the table (which host and process syncs
    /// an account), and never reused by a restarted process with the same pid.
    public static let process: String = make(host: localHost, pid: ProcessInfo.processInfo.processIdentifier)

    /// This machine's host name as holder ids record it.
    public static var localHost: String {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty ? "localhost" : name
    }

    /// A holder id for `host` and `pid` with a fresh random suffix.
    public static func make(host: String, pid: Int32) -> String {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(host.isEmpty ? "localhost" : host):\(pid):\(String(repeating: "0", count: 8 - suffix.count))\(suffix)"
    }

    /// Whether `holder` is a process of this host that no longer exists, so its lease can be taken over at once
    /// instead of waiting for it to expire (a `kill -9` and an immediate restart).
    ///
    /// True when the holder's host is `localHost` and either its pid is not running (`kill(pid, 0)` fails with
    /// `ESRCH`), or its pid is this process's own but the id is not `self` (a restarted container whose process is
    /// pid 1 again). False for other hosts (no way to tell from here: their leases expire), for unparsable ids and
    /// whenever the process might be alive (`EPERM`: it exists under another user).
    public static func isGone(
        _ holder: String,
        localHost: String = SyncLeaseHolder.localHost,
        current: String = SyncLeaseHolder.process,
        currentPID: Int32 = ProcessInfo.processInfo.processIdentifier
    ) -> Bool {
        let parts = holder.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, holder != current, let pid = Int32(parts[parts.count - 2]), pid > 0 else { return false }
        guard parts.dropLast(2).joined(separator: ":") == localHost else { return false }
        if pid == currentPID { return true }
        return kill(pid, 0) == -1 && errno == ESRCH
    }
}

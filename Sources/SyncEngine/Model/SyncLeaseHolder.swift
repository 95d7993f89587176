import Foundation

/// The holder id written into `sync_leases` by this process.
public enum SyncLeaseHolder {
    /// `<host>:<pid>:<8 random hex digits>`: unique per process, readable in the table (which host and process syncs
    /// an account), and never reused by a restarted process with the same pid.
    public static let process: String = make(host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier)

    /// A holder id for `host` and `pid` with a fresh random suffix.
    public static func make(host: String, pid: Int32) -> String {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(host.isEmpty ? "localhost" : host):\(pid):\(String(repeating: "0", count: 8 - suffix.count))\(suffix)"
    }
}

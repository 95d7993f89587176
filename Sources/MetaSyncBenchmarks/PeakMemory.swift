import Foundation

/// The process's peak resident memory (`VmHWM` of /proc/self/status), resettable through /proc/self/clear_refs.
enum PeakMemory {
    /// Resets the high-water mark to the current resident size (Linux ≥ 4.0; a no-op elsewhere).
    static func reset() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// `VmHWM` in MB, or nil when /proc is not available.
    static func megabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").compactMap { Double($0) }
            if let kilobytes = digits.first { return kilobytes / 1024 }
        }
        return nil
    }
}

import Foundation

/// The attribution windows insights requests ask for (`action_attribution_windows`, setting
/// `sync.attribution_windows`), validated.
///
/// Meta stopped returning `7d_view` and `28d_view` on 2026-01-12 (reference §4.2, §4.6), so they are refused with a
/// message that says so rather than silently producing empty columns.
public enum AttributionWindows {
    /// The default: `1d_click,7d_click,28d_click,1d_view`.
    public static let defaults = ["1d_click", "7d_click", "28d_click", "1d_view"]
    /// The windows the setting accepts (reference §4.2): click, view and engaged-view windows and data-driven.
    public static let allowed = ["1d_click", "7d_click", "28d_click", "1d_view", "1d_ev", "dda"]
    /// Windows Graph no longer returns.
    public static let discontinued = ["7d_view", "28d_view"]
    /// Every key that can label a window inside an action object (the allowed ones, the discontinued ones and the
    /// SKAdNetwork ones), so the mapper stores windows Graph sends even when the setting did not ask for them.
    static let recognised: Set<String> = Set(Self.allowed + Self.discontinued + ["skan_click", "skan_view", "skan_click_second_postback"])

    /// A problem with the setting, phrased for the user.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Parses a comma-separated list (spaces allowed, duplicates dropped, order kept).
    ///
    /// - Throws: ``Invalid`` for an empty list, a discontinued window or an unknown one (the message lists the
    ///   allowed windows).
    public static func parse(_ text: String) throws(Invalid) -> [String] {
        var out: [String] = []
        for part in text.split(separator: ",") {
            let window = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard !window.isEmpty else { continue }
            if Self.discontinued.contains(window) {
                throw Invalid(
                    description: "attribution window '\(window)' is no longer available: Meta stopped returning 7d_view and 28d_view "
                        + "on 2026-01-12. Use " + Self.allowed.joined(separator: ", ") + "."
                )
            }
            guard Self.allowed.contains(window) else {
                // The value is not echoed (settings errors never print values): name what is allowed.
                throw Invalid(description: "an attribution window is not one of " + Self.allowed.joined(separator: ", ") + ".")
            }
            if !out.contains(window) { out.append(window) }
        }
        guard !out.isEmpty else {
            throw Invalid(description: "attribution windows must name at least one of " + Self.allowed.joined(separator: ", ") + ".")
        }
        return out
    }
}

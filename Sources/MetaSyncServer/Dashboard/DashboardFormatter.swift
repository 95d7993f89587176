import Foundation
import MetaStore

/// Formats numbers, money, percentages, days and ages for one locale (Foundation's `NumberFormatter` and
/// `DateFormatter`, which use ICU on Linux too).
///
/// Created per request (formatters are not `Sendable`), for the locale ``resolveLocale(configured:acceptLanguage:)``
/// picks.
final class DashboardFormatter {
    /// The locale every figure is formatted for.
    let locale: Locale
    private let integerFormatter: NumberFormatter
    private let decimalFormatter: NumberFormatter
    private let percentFormatter: NumberFormatter
    private let dayFormatter: DateFormatter
    private let shortDayFormatter: DateFormatter
    private let dateTimeFormatter: DateFormatter
    private var currencyFormatters: [String: NumberFormatter] = [:]

    /// Formatters for `locale`; dates and times are shown in UTC (the sync runs' clock), days as stored.
    init(locale: Locale) {
        self.locale = locale
        let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
        self.integerFormatter = NumberFormatter()
        self.integerFormatter.locale = locale
        self.integerFormatter.numberStyle = .decimal
        self.integerFormatter.maximumFractionDigits = 0
        self.decimalFormatter = NumberFormatter()
        self.decimalFormatter.locale = locale
        self.decimalFormatter.numberStyle = .decimal
        self.decimalFormatter.minimumFractionDigits = 0
        self.decimalFormatter.maximumFractionDigits = 2
        self.percentFormatter = NumberFormatter()
        self.percentFormatter.locale = locale
        self.percentFormatter.numberStyle = .percent
        self.percentFormatter.minimumFractionDigits = 2
        self.percentFormatter.maximumFractionDigits = 2
        self.dayFormatter = DateFormatter()
        self.dayFormatter.locale = locale
        self.dayFormatter.timeZone = utc
        self.dayFormatter.dateStyle = .medium
        self.dayFormatter.timeStyle = .none
        self.shortDayFormatter = DateFormatter()
        self.shortDayFormatter.locale = locale
        self.shortDayFormatter.timeZone = utc
        self.shortDayFormatter.setLocalizedDateFormatFromTemplate("MMMd")
        self.dateTimeFormatter = DateFormatter()
        self.dateTimeFormatter.locale = locale
        self.dateTimeFormatter.timeZone = utc
        self.dateTimeFormatter.dateStyle = .medium
        self.dateTimeFormatter.timeStyle = .short
    }

    /// `12,345` (en) / `12.345` (de).
    func integer(_ value: Int) -> String {
        self.integerFormatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    /// A count that may be fractional (conversions), at most two decimals.
    func decimal(_ value: Decimal) -> String {
        self.decimalFormatter.string(from: NSDecimalNumber(decimal: value)) ?? "\(value)"
    }

    /// `$1,234.56` (en-US, USD) / `1.234,56 €` (de-DE, EUR). Unknown or missing currency codes print the plain number
    /// followed by the code.
    func money(_ value: Decimal, currency: String?) -> String {
        self.money(value, currency: currency, whole: false)
    }

    /// Money for a chart axis: whole units from 10 up (`$5,000`), so labels stay short.
    func axisMoney(_ value: Decimal, currency: String?) -> String {
        self.money(value, currency: currency, whole: value >= 10 || value == 0)
    }

    private func money(_ value: Decimal, currency: String?, whole: Bool) -> String {
        guard let currency, currency.count == 3, currency.allSatisfy({ $0.isLetter && $0.isASCII }) else {
            return self.decimal(value)
        }
        let code = currency.uppercased()
        let key = whole ? code + ".0" : code
        let formatter: NumberFormatter
        if let cached = self.currencyFormatters[key] {
            formatter = cached
        } else {
            formatter = NumberFormatter()
            formatter.locale = self.locale
            formatter.numberStyle = .currency
            formatter.currencyCode = code
            if whole {
                formatter.minimumFractionDigits = 0
                formatter.maximumFractionDigits = 0
            }
            self.currencyFormatters[key] = formatter
        }
        return formatter.string(from: NSDecimalNumber(decimal: value)) ?? "\(value) \(code)"
    }

    /// A percentage given in percent units (`1.75` → `1.75%`).
    func percent(_ value: Decimal) -> String {
        self.percentFormatter.string(from: NSDecimalNumber(decimal: value / 100)) ?? "\(value) %"
    }

    /// A day, e.g. `Mar 5, 2026`.
    func day(_ day: CalendarDay) -> String {
        self.dayFormatter.string(from: Self.date(of: day))
    }

    /// A short day for chart axes, e.g. `Mar 5`.
    func shortDay(_ day: CalendarDay) -> String {
        self.shortDayFormatter.string(from: Self.date(of: day))
    }

    /// A moment in UTC, e.g. `Mar 5, 2026 at 14:03`.
    func dateTime(_ date: Date) -> String {
        self.dateTimeFormatter.string(from: date) + " UTC"
    }

    /// A compact duration: `850 ms`, `12.4 s`, `3 min 5 s`, `2 h 10 min`.
    func duration(_ seconds: TimeInterval) -> String {
        if seconds < 1 { return "\(self.integer(Int((seconds * 1000).rounded()))) ms" }
        if seconds < 60 { return "\(self.decimal(Decimal((seconds * 10).rounded()) / 10)) s" }
        let total = Int(seconds.rounded())
        if total < 3600 { return "\(total / 60) min \(total % 60) s" }
        return "\(total / 3600) h \(total % 3600 / 60) min"
    }

    /// How long ago `date` was: `just now`, `5 min ago`, `3 h ago`, `2 days ago`.
    func age(of date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        if seconds < 60 { return "just now" }
        if seconds < 3600 { return "\(Int(seconds / 60)) min ago" }
        if seconds < 86_400 * 2 { return "\(Int(seconds / 3600)) h ago" }
        return "\(self.integer(Int(seconds / 86_400))) days ago"
    }

    /// Midnight UTC of a calendar day (only used to format it).
    static func date(of day: CalendarDay) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day.daysSince1970) * 86_400)
    }

    /// The locale of the pages: the configured one when set, otherwise the first well-formed language of the request's
    /// `Accept-Language`, otherwise `en_US`.
    static func resolveLocale(configured: String?, acceptLanguage: String?) -> Locale {
        if let configured, Self.isLocaleIdentifier(configured) { return Locale(identifier: configured) }
        if let acceptLanguage {
            let candidates = acceptLanguage.split(separator: ",").map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) }
            if let first = candidates.first(where: { $0 != "*" && Self.isLocaleIdentifier($0) }) {
                return Locale(identifier: first)
            }
        }
        return Locale(identifier: "en_US")
    }

    /// `en`, `en-US`, `de_DE`, `zh-Hant-TW`: letters and digits in short dash- or underscore-separated parts.
    static func isLocaleIdentifier(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).flatMap {
            $0.split(separator: "_", omittingEmptySubsequences: false)
        }
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return false
        }
        return parts.count <= 4
            && parts.dropFirst().allSatisfy { (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}

import Foundation
import SQLKit

/// One column value of a row, typed as the schema stores it (see `docs/schema.md`).
public enum ColumnValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int)
    case decimal(ExactDecimal)
    case day(CalendarDay)
    case timestamp(Date)
    case json(JSONText)

    /// A text value, or NULL.
    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    /// A count, or NULL.
    public init(_ value: Int?) { self = value.map { .integer($0) } ?? .null }
    /// An exact decimal, or NULL.
    public init(_ value: ExactDecimal?) { self = value.map { .decimal($0) } ?? .null }
    /// A calendar day, or NULL.
    public init(_ value: CalendarDay?) { self = value.map { .day($0) } ?? .null }
    /// An instant, or NULL.
    public init(_ value: Date?) { self = value.map { .timestamp($0) } ?? .null }
    /// A JSON document, or NULL.
    public init(_ value: JSONText?) { self = value.map { .json($0) } ?? .null }

    /// The value as a SQLKit bind (or the `NULL` literal).
    public var sqlExpression: any SQLExpression {
        switch self {
        case .null: SQLLiteral.null
        case .text(let v): SQLBind(v)
        case .integer(let v): SQLBind(v)
        case .decimal(let v): SQLBind(v)
        case .day(let v): SQLBind(v)
        case .timestamp(let v): SQLBind(v)
        case .json(let v): SQLBind(v)
        }
    }
}

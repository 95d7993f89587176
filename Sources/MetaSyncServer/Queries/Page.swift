import Foundation

/// One page of a list: the items and the cursor of the next page (nil on the last).
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    struct Paging: Encodable, Sendable {
        var nextCursor: String?
        var limit: Int

        enum CodingKeys: String, CodingKey {
            case nextCursor = "next_cursor"
            case limit
        }
    }

    var data: [Item]
    var paging: Paging
}

/// Opaque cursors: base64url of a key value, so clients cannot depend on their content.
enum Cursor {
    static func encode(_ key: String) -> String {
        Data(key.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The key inside a cursor, or nil when it is not one of ours.
    static func decode(_ cursor: String) -> String? {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let key = String(data: data, encoding: .utf8), !key.isEmpty else { return nil }
        return key
    }
}

import Foundation
import GraphAPI

/// A Graph request as the sandbox sees it: version, path components, merged parameters and token.
struct SandboxRequest: Sendable {
    var method: GraphHTTPMethod
    /// `v25.0`, or `nil` for an unversioned call.
    var version: String?
    /// The major version number, e.g. 25.
    var versionNumber: Int?
    /// Path components after the version, e.g. `["act_1", "campaigns"]`.
    var components: [String]
    /// Query then form parameters, in order (Graph reads both for every method).
    var parameters: [(name: String, value: String)]
    /// The token from `access_token` or an `Authorization: Bearer|OAuth` header.
    var token: String?
    /// Set for batch operations: the batch's top-level token is the fallback.
    var inBatch = false

    func parameter(_ name: String) -> String? {
        self.parameters.first { $0.name == name }?.value
    }

    /// The path relative to the version, e.g. `/act_1/campaigns`.
    var relativePath: String { "/" + self.components.joined(separator: "/") }

    init(method: GraphHTTPMethod, version: String?, components: [String], parameters: [(name: String, value: String)], token: String?) {
        self.method = method
        self.version = version
        self.components = components
        self.parameters = parameters
        self.token = token
        if let version, version.hasPrefix("v"), let dot = version.firstIndex(of: ".") {
            self.versionNumber = Int(version[version.index(after: version.startIndex)..<dot])
        }
    }

    /// Parses a raw transport request.
    init(_ raw: GraphHTTPRequest) {
        var parameters = raw.query.map { (name: $0.name, value: $0.value) }
        if !raw.body.isEmpty {
            let contentType = raw.header("content-type")?.lowercased() ?? "application/x-www-form-urlencoded"
            if contentType.contains("multipart/form-data"), let boundary = Self.boundary(contentType) {
                parameters += Self.multipart(raw.body, boundary: boundary)
            } else if contentType.contains("json"), case .object(let members)? = JSONParser.parse(String(decoding: raw.body, as: UTF8.self)) {
                parameters += members.map { (name: $0.key, value: $0.value.stringValue ?? $0.value.encodedString()) }
            } else {
                parameters += Formatting.parseForm(raw.body).map { (name: $0.0, value: $0.1) }
            }
        }
        var token = parameters.first { $0.name == "access_token" }?.value
        if token == nil, let authorization = raw.header("authorization") {
            for scheme in ["Bearer ", "OAuth ", "bearer ", "oauth "] where authorization.hasPrefix(scheme) {
                token = String(authorization.dropFirst(scheme.count)).trimmingCharacters(in: .whitespaces)
            }
        }
        let (version, components) = Self.split(path: raw.path)
        self.init(method: raw.method, version: version, components: components, parameters: parameters, token: token)
    }

    /// Splits `/v25.0/act_1/campaigns` into `v25.0` and `["act_1", "campaigns"]`.
    static func split(path: String) -> (String?, [String]) {
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var version: String?
        if let first = components.first, Self.isVersion(first) {
            version = first
            components.removeFirst()
        }
        return (version, components)
    }

    static func isVersion(_ text: String) -> Bool {
        guard text.hasPrefix("v"), let dot = text.firstIndex(of: ".") else { return false }
        let major = text[text.index(after: text.startIndex)..<dot]
        let minor = text[text.index(after: dot)...]
        return !major.isEmpty && !minor.isEmpty && major.allSatisfy(\.isNumber) && minor.allSatisfy(\.isNumber)
    }

    private static func boundary(_ contentType: String) -> String? {
        guard let range = contentType.range(of: "boundary=") else { return nil }
        var value = String(contentType[range.upperBound...])
        if let semicolon = value.firstIndex(of: ";") { value = String(value[..<semicolon]) }
        return value.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
    }

    /// Reads the text fields of a `multipart/form-data` body (the Python SDK sends one when files are attached).
    private static func multipart(_ body: [UInt8], boundary: String) -> [(name: String, value: String)] {
        let text = String(decoding: body, as: UTF8.self)
        var out: [(name: String, value: String)] = []
        for part in text.components(separatedBy: "--" + boundary) {
            guard let headerEnd = part.range(of: "\r\n\r\n") else { continue }
            let headers = part[..<headerEnd.lowerBound]
            guard let nameRange = headers.range(of: "name=\"") else { continue }
            let afterName = headers[nameRange.upperBound...]
            guard let quote = afterName.firstIndex(of: "\"") else { continue }
            var value = String(part[headerEnd.upperBound...])
            if value.hasSuffix("\r\n") { value.removeLast(1) }
            out.append((name: String(afterName[..<quote]), value: value))
        }
        return out
    }
}

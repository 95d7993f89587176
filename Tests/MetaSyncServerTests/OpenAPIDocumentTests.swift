import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import Testing

@testable import MetaSyncServer

/// `/openapi.yaml` as an OpenAPI tool reads it, and every `/api` route answering bad input the documented way.
@Suite struct OpenAPIDocumentTests {
    /// An unquoted description with a comma inside a flow mapping (`{description: A, b.}`) ends at the comma, and YAML
    /// reads the rest as a key without value: the document stops being valid OpenAPI.
    @Test func everyFlowMappingEntryIsAKeyWithAValue() {
        #expect(FlowMappingLint.problems(in: "{description: A, b., content: {}}") == ["{description: A, b., content: {}}"])
        #expect(FlowMappingLint.problems(in: #"{description: "A, b.", content: {x: [a, b]}}"#).isEmpty)
        let problems = FlowMappingLint.problems(in: OpenAPIDocument.yaml)
        #expect(problems.isEmpty, "entries without a value (quote the text): \(problems)")
    }

    /// OpenAPI 3.0.3: `nullable` adds null only to a `type` of the same schema object; beside a bare `allOf` or `$ref`
    /// it allows nothing, and validating clients reject the nulls the API sends.
    @Test func nullableStandsBesideAType() {
        let lines = OpenAPIDocument.yaml.split(separator: "\n").filter { $0.contains("nullable: true") }
        #expect(lines.count > 10)
        for line in lines {
            let standsAlone = line.trimmingCharacters(in: .whitespaces) == "nullable: true"
            #expect(standsAlone || line.contains("type: "), "nullable without a type: \(line)")
        }
    }

    /// Every `/api` operation documents the 400 it answers for a bad `limit`, id or body.
    @Test func everyAPIOperationWithParametersDocumentsItsBadRequest() {
        let operations = OpenAPIOperations(yaml: OpenAPIDocument.yaml)
        let unauthenticated: Set<String> = ["get /api/health", "post /api/connect", "get /api/connections", "get /api/rate-limits"]
        for (operation, responses) in operations.responses where operation.contains(" /api/") && !unauthenticated.contains(operation) {
            #expect(responses.contains("400"), "\(operation) does not document its 400")
        }
        #expect(operations.responses.count >= 20)
    }

    /// Every `/api` operation is behind the API key and its failure limit (`APIKeyMiddleware`), so each documents both.
    @Test func everyAPIOperationDocumentsTheKeyAndItsFailureLimit() {
        let operations = OpenAPIOperations(yaml: OpenAPIDocument.yaml).responses.filter { $0.key.contains(" /api/") }
        #expect(operations.count >= 20)
        for (operation, responses) in operations {
            #expect(responses.isSuperset(of: ["401", "429"]), "\(operation) does not document its 401 and 429")
        }
    }

    /// Bad input on every routed `/api` operation: a JSON error `{"error": {"code", "message"}}` in the 4xx range (or
    /// the documented 503 of a feature this server lacks), never a 500 or an empty body.
    @Test func everyAPIRouteAnswersBadInputWithAJSONError() async throws {
        try await TestHarness.with { harness in
            let routes = registeredRoutes(harness.configuration, harness.dependencies).filter { $0.path.hasPrefix("/api/") }
            #expect(routes.count >= 20)
            try await harness.application().test(.router) { client in
                for route in routes {
                    let path = route.path.replacingOccurrences(of: "{id}", with: "not-an-id").replacingOccurrences(of: "{name}", with: "nope")
                    var headers = TestHarness.authorized
                    headers[.contentType] = "application/json"
                    let response = try await client.execute(
                        uri: path + "?limit=0&account_id=act_1&since=2026-13-01&cursor=%25",
                        method: HTTPRequest.Method(route.method) ?? .get,
                        headers: headers,
                        body: ByteBuffer(string: "{not json")
                    )
                    let label = "\(route.method) \(path) -> \(response.status.code)"
                    #expect(response.status.code < 500 || response.status == .serviceUnavailable, "\(label)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(label)")
                    guard response.status.code >= 400 else { continue }
                    let error = try #require(try response.json()["error"] as? [String: Any], "\(label)")
                    #expect(error["code"] is String && error["message"] is String, "\(label)")
                }
            }
        }
    }
}

/// Entries of YAML flow mappings (`{a: 1, b: 2}`) that are not `key: value`: a plain scalar ends at a comma in flow
/// context, so unquoted text with a comma leaves a key without a value behind it.
enum FlowMappingLint {
    /// The lines holding such an entry.
    static func problems(in yaml: String) -> [String] {
        yaml.split(separator: "\n").map(String.init).filter { !Self.isValid(line: $0) }
    }

    private static func isValid(line: String) -> Bool {
        // Per open collection: is it a mapping, has its current entry shown its `: ` yet, is the entry still empty?
        var stack: [(mapping: Bool, keyed: Bool, empty: Bool)] = []
        var characters = Array(line)[...]
        // Quotes and collections only start a node at the start of a token (line start, after `- `, `: `, `,`, `{`, `[`).
        var tokenStart = true
        while let character = characters.popFirst() {
            if character == " " { continue }
            let wasTokenStart = tokenStart
            tokenStart = false
            if wasTokenStart, character == "\"" || character == "'" {
                while let next = characters.popFirst(), next != character { if next == "\\" { _ = characters.popFirst() } }
                if !stack.isEmpty { stack[stack.count - 1].empty = false }
                continue
            }
            if wasTokenStart, character == "{" || character == "[" {
                if !stack.isEmpty { stack[stack.count - 1].empty = false }
                stack.append((character == "{", false, true))
                tokenStart = true
                continue
            }
            let separator = characters.first == " " || characters.first == nil
            if character == ":", separator || !stack.isEmpty && characters.first.map({ ",}]".contains($0) }) == true {
                tokenStart = true
                guard let top = stack.last else { continue }
                if top.mapping, top.keyed { return false }
                stack[stack.count - 1].keyed = true
                continue
            }
            if character == "-", wasTokenStart, stack.isEmpty, separator {
                tokenStart = true
                continue
            }
            guard let top = stack.last else { continue }
            switch character {
            case ",", "}", "]":
                if top.mapping, !top.keyed, !top.empty { return false }
                if character == "," { stack[stack.count - 1] = (top.mapping, false, true) } else { stack.removeLast() }
                tokenStart = character == ","
            default:
                stack[stack.count - 1].empty = false
            }
        }
        return true
    }
}

/// The response codes of every operation of an OpenAPI YAML document (`get /api/x` → `["200", "400"]`), read from the
/// operations' `responses:` blocks (a deliberately small reader of our own file, as ``OpenAPIPaths``).
struct OpenAPIOperations {
    private(set) var responses: [String: Set<String>] = [:]

    init(yaml: String) {
        var path: String?
        var operation: String?
        var inResponses = false
        for line in yaml.split(separator: "\n").map(String.init) {
            let indent = line.prefix { $0 == " " }.count
            let text = line.trimmingCharacters(in: .whitespaces)
            if indent == 2, text.hasPrefix("/"), text.hasSuffix(":") {
                path = String(text.dropLast())
            } else if indent == 4, let path, text.hasSuffix(":"), ["get:", "post:", "put:", "delete:"].contains(text) {
                operation = "\(text.dropLast()) \(path)"
                self.responses[operation ?? ""] = []
            } else if indent <= 4 {
                operation = indent == 0 ? nil : operation
                path = indent == 0 && text != "paths:" ? nil : path
            }
            guard let operation else { continue }
            if indent == 6 { inResponses = text == "responses:" }
            if inResponses, indent == 8, text.hasPrefix("\""), let code = text.split(separator: "\"").first {
                self.responses[operation, default: []].insert(String(code))
            }
        }
    }
}

/// The typed schemas of the lists (``OpenAPISchemas``) against real answers: every key a row carries is a property of
/// its schema, and every required property is there (a renamed or added field fails here and in
/// `scripts/api-conformance.sh`, which validates the bodies with `additionalProperties: false`).
@Suite struct OpenAPIListSchemaTests {
    /// No list answers untyped items any more.
    @Test func everyListNamesItsItemSchema() {
        let untyped = OpenAPIDocument.yaml.split(separator: "\n").filter { $0.contains("data: {type: array, items: {type: object}}") }
        #expect(untyped.isEmpty, "\(untyped)")
        for (name, schema) in OpenAPISchemas.all {
            #expect(OpenAPIDocument.yaml.contains("\n    \(name):\n"), "\(name) is not under components/schemas")
            #expect(OpenAPIDocument.yaml.contains("#/components/schemas/\(name)\""), "nothing refers to \(name)")
            #expect(!schema.properties.isEmpty)
        }
        #expect(OpenAPISchemas.campaign.propertyNames == CampaignRow.table.names)
        #expect(OpenAPISchemas.syncRun.properties.first { $0.name == "outcome" }?.schema.contains("enum: [running, succeeded") == true)
        #expect(OpenAPISchemas.adAccount.requiredNames == ["id", "account_id", "first_seen_at", "synced_at"])
    }

    @Test func listedRowsCarryExactlyTheirSchemasProperties() async throws {
        try await TestHarness.with { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                let response = try await client.postSignedWebhook(TestHarness.notification(changes: [("with_issues_ad_objects", "a1", "AD")]))
                #expect(response.status == .ok)
                let lists: [(String, OpenAPIObjectSchema)] = [
                    ("/api/accounts", OpenAPISchemas.adAccount), ("/api/campaigns", OpenAPISchemas.campaign),
                    ("/api/adsets", OpenAPISchemas.adSet), ("/api/ads", OpenAPISchemas.ad),
                    ("/api/webhook-events", OpenAPISchemas.webhookEvent), ("/api/sync-runs", OpenAPISchemas.syncRun),
                    ("/api/insights", OpenAPISchemas.insightRow),
                ]
                for (uri, schema) in lists {
                    let answer = try await client.execute(uri: uri, method: .get, headers: TestHarness.authorized)
                    let rows = try #require(try answer.json()["data"] as? [[String: Any]], "\(uri)")
                    #expect(!rows.isEmpty, "\(uri)")
                    for row in rows {
                        Self.expect(keys: Set(row.keys), match: schema, uri)
                    }
                }
            }
        }
    }

    /// `keys` are properties of `schema` and hold every required one.
    static func expect(keys: Set<String>, match schema: OpenAPIObjectSchema, _ label: String) {
        #expect(keys.subtracting(schema.propertyNames).isEmpty, "\(label): keys not in the schema: \(keys.subtracting(schema.propertyNames))")
        #expect(Set(schema.requiredNames).subtracting(keys).isEmpty, "\(label): missing: \(Set(schema.requiredNames).subtracting(keys))")
    }
}

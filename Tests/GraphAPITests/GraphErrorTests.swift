import GraphAPI
import Testing

@Suite struct GraphErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var status: Int
        var code: Int?
        var subcode: Int?
        var message: String = "x"
        var isTransient: Bool?
        var expected: GraphErrorClassification
        var testDescription: String { "\(self.code.map(String.init) ?? "-")/\(self.subcode.map(String.init) ?? "-") → \(self.expected)" }
    }

    @Test(arguments: [
        Case(status: 400, code: 4, expected: .throttled),
        Case(status: 400, code: 4, subcode: 1_504_022, expected: .throttled),
        Case(status: 400, code: 17, subcode: 2_446_079, expected: .throttled),
        Case(status: 400, code: 32, expected: .throttled),
        Case(status: 400, code: 613, subcode: 1_487_742, expected: .throttled),
        Case(status: 400, code: 80_000, subcode: 2_446_079, expected: .throttled),
        Case(status: 400, code: 80_004, expected: .throttled),
        Case(status: 400, code: 80_014, expected: .throttled),
        Case(status: 500, code: 1, subcode: 99, expected: .transient),
        Case(status: 400, code: 2, isTransient: true, expected: .transient),
        Case(status: 400, code: 960, expected: .transient),
        Case(status: 400, code: 9999, isTransient: true, expected: .transient),
        Case(status: 503, code: nil, expected: .transient),
        Case(status: 400, code: 190, subcode: 463, expected: .tokenInvalid),
        Case(status: 400, code: 102, expected: .tokenInvalid),
        Case(status: 403, code: 10, expected: .permission),
        Case(status: 403, code: 200, expected: .permission),
        Case(status: 400, code: 294, expected: .permission),
        Case(status: 400, code: 100, message: "(#100) Missing permissions", expected: .permission),
        Case(status: 400, code: 100, subcode: 33, expected: .invalidRequest),
        Case(status: 400, code: 100, isTransient: true, expected: .invalidRequest),
        Case(status: 400, code: 2635, expected: .invalidRequest),
        Case(status: 500, code: 1, message: "Please reduce the amount of data you're asking for, then retry your request", expected: .dataTooLarge),
        Case(status: 400, code: 100, subcode: 1_487_534, expected: .dataTooLarge),
        Case(status: 400, code: 12345, expected: .unknown),
    ])
    func classifiesByCodeFamily(_ example: Case) {
        let error = GraphError(
            httpStatus: example.status,
            code: example.code,
            subcode: example.subcode,
            message: example.message,
            isTransient: example.isTransient
        )
        #expect(error.classification == example.expected)
    }

    @Test func parsesTheFullEnvelope() {
        let body = #"""
            {"error":{"message":"(#80004) Too many calls","type":"OAuthException","code":80004,"error_subcode":2446079,"is_transient":false,
            "error_user_title":"Slow down","error_user_msg":"Wait a bit","error_data":{"blame_field_specs":[["daily_budget"]]},"fbtrace_id":"A3pz"}}
            """#
        let error = GraphError(httpStatus: 400, headers: [], body: Array(body.utf8), redactor: GraphRedactor())
        #expect(error.code == 80_004)
        #expect(error.subcode == 2_446_079)
        #expect(error.type == "OAuthException")
        #expect(error.isTransient == false)
        #expect(error.userTitle == "Slow down")
        #expect(error.userMessage == "Wait a bit")
        #expect(error.errorData == #"{"blame_field_specs":[["daily_budget"]]}"#)
        #expect(error.fbtraceID == "A3pz")
        #expect(error.shortDescription == "throttled.80004")
        #expect(error.description.contains("fbtrace_id=A3pz"))
    }

    @Test func nonGraphBodiesBecomeStatusErrors() {
        let error = GraphError(
            httpStatus: 502,
            headers: [(name: "X-FB-Trace-ID", value: "HDR")],
            body: Array("<html>".utf8),
            redactor: GraphRedactor()
        )
        #expect(error.code == nil)
        #expect(error.classification == .transient)
        #expect(error.fbtraceID == "HDR")
        #expect(error.shortDescription == "transient.http_502")
    }
}

import GraphAPI
import Testing

@Suite struct GraphParametersTests {
    @Test func encodesNestedFields() {
        let fields: GraphFields = [
            "id", "name",
            .edge("campaigns", limit: 5, ["name", .edge("adsets", limit: 2, ["name", "status"])]),
            GraphFields.Field("insights", modifiers: [.init("date_preset", "last_7d")], subfields: ["spend"]),
        ]
        #expect(fields.encoded == "id,name,campaigns.limit(5){name,adsets.limit(2){name,status}},insights.date_preset(last_7d){spend}")
    }

    @Test func encodesJSONValuedParametersAsGraphExpects() {
        let parameters = GraphParameters()
            .filtering([
                .greaterThan("campaign.updated_time", 1_704_067_200),
                .in("campaign.effective_status", ["ACTIVE", "PAUSED", "ARCHIVED"]),
            ])
            .timeRange(GraphTimeRange(since: "2024-01-01", until: "2024-01-31"))
            .effectiveStatus(["ACTIVE", "DELETED"])
            .limit(100)
        #expect(
            parameters["filtering"]
                == #"[{"field":"campaign.updated_time","operator":"GREATER_THAN","value":1704067200},{"field":"campaign.effective_status","operator":"IN","value":["ACTIVE","PAUSED","ARCHIVED"]}]"#
        )
        #expect(parameters["time_range"] == #"{"since":"2024-01-01","until":"2024-01-31"}"#)
        #expect(parameters["effective_status"] == #"["ACTIVE","DELETED"]"#)
        #expect(parameters.items.map(\.name) == ["filtering", "time_range", "effective_status", "limit"])
    }

    @Test func replacesAndRemovesInPlace() {
        var parameters: GraphParameters = ["a": "1", "b": "2"]
        parameters["a"] = "3"
        parameters["b"] = nil
        parameters["c"] = "4"
        #expect(parameters.items == [GraphQueryItem(name: "a", value: "3"), GraphQueryItem(name: "c", value: "4")])
    }

    @Test func formEncodingRoundTrips() {
        let items = [GraphQueryItem(name: "filtering", value: #"[{"field":"a.b","value":["x y"]}]"#), GraphQueryItem(name: "é", value: "&=+")]
        let encoded = GraphFormEncoding.encode(items)
        #expect(encoded == "filtering=%5B%7B%22field%22%3A%22a.b%22%2C%22value%22%3A%5B%22x%20y%22%5D%7D%5D&%C3%A9=%26%3D%2B")
        #expect(GraphFormEncoding.decode(encoded) == items)
    }

    @Test func endpointTemplatesHideIDs() {
        #expect(GraphEndpointTemplate.template(for: "/v25.0/act_123/campaigns") == "/act_{id}/campaigns")
        #expect(GraphEndpointTemplate.template(for: "/120200000000001/insights") == "/{id}/insights")
        #expect(GraphEndpointTemplate.template(for: "/v25.0/") == "/")
        #expect(GraphEndpointTemplate.template(for: "/me/adaccounts?access_token=x") == "/me/adaccounts")
        #expect(GraphEndpointTemplate.template(for: "/123_456") == "/{id}")
    }

    @Test func configurationReadsEnvironment() {
        let configured = GraphConfiguration(environment: ["METASYNC_GRAPH_URL": "http://127.0.0.1:8081/", "METASYNC_GRAPH_VERSION": "v24.0"])
        #expect(configured.baseURL == "http://127.0.0.1:8081")
        #expect(configured.version == "v24.0")
        let defaults = GraphConfiguration(environment: ["METASYNC_GRAPH_URL": ""])
        #expect(defaults.baseURL == "https://graph.facebook.com")
        #expect(defaults.version == "v25.0")
        #expect(defaults.proofMode == .classic)
        #expect(GraphConfiguration.ProofMode(setting: "plain") == .classic)
        #expect(GraphConfiguration.ProofMode(setting: "Timestamped") == .timestamped)
        #expect(GraphConfiguration.ProofMode(setting: "hmac") == nil)
    }
}

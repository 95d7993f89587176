import GraphAPI
import Testing

@Suite struct GraphDecimalTests {
    @Test(arguments: [
        ("14.35", "14.35"), ("007.50", "7.5"), ("-0", "0"), ("-0.000", "0"), ("0.10", "0.1"), ("1.5e2", "150"),
        ("12E-3", "0.012"), ("123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"),
        (".5", "0.5"), ("-3.140", "-3.14"),
    ])
    func parsesAndNormalises(_ input: String, _ expected: String) throws {
        let value = try #require(GraphDecimal(input))
        #expect(value.description == expected)
    }

    @Test(arguments: ["", "-", "1.", "abc", "1,5", "1.2.3", "1e", "+1", " 1", "1e99999", "NaN"])
    func rejectsNonNumbers(_ input: String) {
        #expect(GraphDecimal(input) == nil)
    }

    @Test func convertsMinorUnitsExactly() throws {
        #expect(GraphDecimal("14.35")?.minorUnits(offset: 100) == 1435)
        #expect(GraphDecimal("0.1")?.minorUnits(offset: 100) == 10)
        #expect(GraphDecimal("1.234")?.minorUnits(offset: 100) == nil)
        #expect(GraphDecimal("5000")?.minorUnits(offset: 1) == 5000)
        #expect(GraphDecimal(minorUnits: 5000, offset: 100).description == "50")
        #expect(GraphDecimal(minorUnits: -5, offset: 100).description == "-0.05")
        #expect(GraphDecimal(minorUnits: 1435, offset: 1).description == "1435")
        // 0.1 + 0.2 style values stay exact: no Double on the way.
        #expect(GraphDecimal("0.30000000000000004441")?.description == "0.30000000000000004441")
    }

    @Test func comparesNumerically() throws {
        let values = ["10", "9.99", "-1", "-1.5", "0", "100.01"].compactMap(GraphDecimal.init)
        #expect(values.sorted().map(\.description) == ["-1.5", "-1", "0", "9.99", "10", "100.01"])
        #expect(GraphDecimal("1.50") == GraphDecimal("1.5"))
        #expect(GraphDecimal("9223372036854775807")?.int64Value == Int64.max)
        #expect(GraphDecimal("9223372036854775808")?.int64Value == nil)
        #expect(GraphDecimal("-9223372036854775808")?.int64Value == Int64.min)
    }

    @Test func decodesStringsAndNumbers() throws {
        struct Row: Decodable {
            var spend: GraphDecimal
            var budget: GraphDecimal
            var impressions: GraphInt
        }
        let row = try JSONDecoderHelper.decode(Row.self, #"{"spend":"5339.50","budget":2500,"impressions":"361324"}"#)
        #expect(row.spend.description == "5339.5")
        #expect(row.budget.int64Value == 2500)
        #expect(row.impressions.value == 361_324)
        #expect(throws: DecodingError.self) { try JSONDecoderHelper.decode(Row.self, #"{"spend":"lots","budget":1,"impressions":"1"}"#) }
    }
}

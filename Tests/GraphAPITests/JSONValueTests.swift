import GraphAPI
import Testing

@Suite struct JSONValueTests {
    @Test func keepsNumbersAsExactText() throws {
        let value = try JSONValue.parse(#"{"id":12345678901234567890,"spend":"14.35","ratio":1.10,"neg":-2e3}"#)
        #expect(value["id"] == .number("12345678901234567890"))
        #expect(value["spend"]?.stringValue == "14.35")
        #expect(value["ratio"] == .number("1.10"))
        #expect(value["neg"] == .number("-2e3"))
    }

    @Test func parsesEscapesAndUnicode() throws {
        let value = try JSONValue.parse(#"["a\"b\\c\/d\n", "\u00e9\ud83d\ude00", true, false, null, [], {}]"#)
        #expect(value.arrayValue?.count == 7)
        #expect(value.arrayValue?[0] == .string("a\"b\\c/d\n"))
        #expect(value.arrayValue?[1] == .string("é😀"))
        #expect(value.arrayValue?[4].isNull == true)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"abc", "tru", "[1] x", "\"\\x\""])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func serialisesCompactlyWithSortedKeys() throws {
        let value: JSONValue = ["b": 1, "a": ["x", nil, true], "c": "q\"uote\u{01}"]
        #expect(value.serialized() == #"{"a":["x",null,true],"b":1,"c":"q\"uote\u0001"}"#)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test func decodesThroughCodable() throws {
        struct Holder: Decodable { var raw: JSONValue }
        let holder = try JSONDecoderHelper.decode(Holder.self, #"{"raw":{"n":42,"s":"x","l":[1.5]}}"#)
        #expect(holder.raw["n"]?.int64Value == 42)
        #expect(holder.raw["l"]?.arrayValue?.first?.stringValue == "1.5")
    }
}

import NIOCore
import RESPClient
import Testing

@Suite struct RESPValueDecoderTests {
    /// Feeds `chunks` through the streaming processor, as reads from a socket would arrive.
    private func decode(_ chunks: [String]) throws -> [RESPValue] {
        let processor = NIOSingleStepByteToMessageProcessor(RESPValueDecoder())
        var values: [RESPValue] = []
        for chunk in chunks {
            try processor.process(buffer: ByteBuffer(string: chunk)) { values.append($0) }
        }
        return values
    }

    private func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

    @Test func decodesEveryReplyType() throws {
        let input = "+OK\r\n-ERR wrong\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n"
        #expect(
            try self.decode([input]) == [
                .simpleString("OK"), .error("ERR wrong"), .integer(42), .integer(-7), self.bulk("hello"), self.bulk(""), .null,
                .null, .array([]),
            ]
        )
    }

    @Test func decodesNestedArraysWithMixedTypes() throws {
        let input = "*3\r\n:1\r\n*2\r\n$3\r\nfoo\r\n*1\r\n$-1\r\n-ERR inner\r\n"
        #expect(try self.decode([input]) == [.array([.integer(1), .array([self.bulk("foo"), .array([.null])]), .error("ERR inner")])])
    }

    @Test func bulkStringsAreBinarySafe() throws {
        #expect(try self.decode(["$4\r\na\r\nb\r\n"]) == [self.bulk("a\r\nb")])
    }

    @Test(arguments: [
        "+PONG\r\n", ":123456789\r\n", "$11\r\nhello world\r\n", "*2\r\n$3\r\nabc\r\n*2\r\n:1\r\n$-1\r\n", "-NOSCRIPT No matching script\r\n",
    ])
    func decodesTheSameAtEverySplitPoint(input: String) throws {
        let whole = try self.decode([input])
        #expect(whole.count == 1)
        let bytes = Array(input.utf8)
        for split in 1..<bytes.count {
            let first = String(decoding: bytes[..<split], as: UTF8.self)
            let second = String(decoding: bytes[split...], as: UTF8.self)
            #expect(try self.decode([first, second]) == whole, "split at \(split)")
        }
        // One byte per read.
        #expect(try self.decode(bytes.map { String(decoding: [$0], as: UTF8.self) }) == whole)
    }

    @Test func yieldsNothingUntilAReplyIsComplete() throws {
        let processor = NIOSingleStepByteToMessageProcessor(RESPValueDecoder())
        var values: [RESPValue] = []
        try processor.process(buffer: ByteBuffer(string: "*2\r\n$3\r\nfoo\r\n")) { values.append($0) }
        #expect(values.isEmpty)
        try processor.process(buffer: ByteBuffer(string: ":9\r\n+OK\r")) { values.append($0) }
        #expect(values == [.array([self.bulk("foo"), .integer(9)])])
        try processor.process(buffer: ByteBuffer(string: "\n")) { values.append($0) }
        #expect(values.last == .simpleString("OK"))
    }

    @Test(arguments: ["!oops\r\n", ":12a\r\n", ":\r\n", "$3\r\nfooXY", "$-2\r\n", "*-5\r\n", "+OK\rX", ":99999999999999999999\r\n"])
    func rejectsMalformedInput(input: String) {
        #expect(throws: RESPError.self) { try self.decode([input]) }
    }

    @Test func rejectsExcessiveNesting() {
        let input = String(repeating: "*1\r\n", count: RESPValueDecoder.maximumDepth + 1) + ":1\r\n"
        #expect(throws: RESPError.self) { try self.decode([input]) }
    }

    @Test func encodesCommandsAsArraysOfBulkStrings() {
        let encoded = RESPCommandEncoder.encode(["SET", "key", "välue", ""])
        #expect(String(buffer: encoded) == "*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$6\r\nvälue\r\n$0\r\n\r\n")
        let long = String(repeating: "x", count: 12)
        #expect(String(buffer: RESPCommandEncoder.encode([long])) == "*1\r\n$12\r\n\(long)\r\n")
    }

    @Test func replyAccessors() {
        #expect(RESPValue.integer(3).int == 3)
        #expect(self.bulk("17").int == 17)
        #expect(self.bulk("hi").string == "hi")
        #expect(RESPValue.simpleString("OK").string == "OK")
        #expect(RESPValue.null.isNull)
        #expect(RESPValue.null.string == nil)
        #expect(RESPValue.array([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.integer(1).array == nil)
    }
}

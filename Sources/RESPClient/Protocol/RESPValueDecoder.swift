import NIOCore

/// A streaming RESP2 reply decoder.
///
/// It yields one ``RESPValue`` per complete reply and leaves incomplete input in the buffer until more bytes arrive,
/// so a reply split across any number of reads (even inside a length prefix or a CRLF) decodes the same as a whole
/// one. Malformed input throws ``RESPError/protocolViolation(_:)``.
///
/// Use it in a pipeline as `ByteToMessageHandler(RESPValueDecoder())`, or feed it through
/// `NIOSingleStepByteToMessageProcessor` for tests.
public struct RESPValueDecoder: NIOSingleStepByteToMessageDecoder {
    /// The decoded reply type.
    public typealias InboundOut = RESPValue

    /// The longest bulk string accepted, in bytes (Redis' own `proto-max-bulk-len` default, 512 MiB).
    public static let maximumBulkLength = 512 * 1024 * 1024
    /// The deepest nesting of arrays accepted.
    public static let maximumDepth = 64

    /// Creates a decoder.
    public init() {}

    /// Decodes one reply from the front of `buffer`, or returns `nil` (consuming nothing) when it is incomplete.
    public mutating func decode(buffer: inout ByteBuffer) throws -> RESPValue? {
        var cursor = buffer
        guard let value = try Self.parseValue(&cursor, depth: 0) else { return nil }
        buffer = cursor
        return value
    }

    /// Decodes what is left when the channel closes; an incomplete reply at EOF is left undecoded.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPValue? {
        try self.decode(buffer: &buffer)
    }

    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    /// Parses one value, advancing `buffer` past it; returns `nil` (with `buffer` in an unspecified state) when
    /// the input ends before the value does.
    private static func parseValue(_ buffer: inout ByteBuffer, depth: Int) throws -> RESPValue? {
        guard let marker = buffer.readInteger(as: UInt8.self) else { return nil }
        switch marker {
        case UInt8(ascii: "+"):
            return try self.readLine(&buffer).map { .simpleString(String(buffer: $0)) }
        case UInt8(ascii: "-"):
            return try self.readLine(&buffer).map { .error(String(buffer: $0)) }
        case UInt8(ascii: ":"):
            guard let line = try self.readLine(&buffer) else { return nil }
            return .integer(try self.parseInteger(line))
        case UInt8(ascii: "$"):
            return try self.parseBulkString(&buffer)
        case UInt8(ascii: "*"):
            return try self.parseArray(&buffer, depth: depth)
        default:
            throw RESPError.protocolViolation("unexpected reply type byte 0x\(String(marker, radix: 16))")
        }
    }

    private static func parseBulkString(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        guard let line = try self.readLine(&buffer) else { return nil }
        let length = try self.parseInteger(line)
        if length == -1 { return .null }
        guard length >= 0, length <= self.maximumBulkLength else {
            throw RESPError.protocolViolation("invalid bulk string length \(length)")
        }
        guard buffer.readableBytes >= length + 2 else { return nil }
        let payload = buffer.readSlice(length: length)!
        guard buffer.readInteger(as: UInt8.self) == self.carriageReturn, buffer.readInteger(as: UInt8.self) == self.lineFeed
        else {
            throw RESPError.protocolViolation("bulk string of length \(length) not followed by CRLF")
        }
        return .bulkString(payload)
    }

    private static func parseArray(_ buffer: inout ByteBuffer, depth: Int) throws -> RESPValue? {
        guard let line = try self.readLine(&buffer) else { return nil }
        let count = try self.parseInteger(line)
        if count == -1 { return .null }
        guard count >= 0, count <= buffer.readableBytes else {
            // Every element takes at least three bytes, so a count beyond the readable bytes is either incomplete
            // input or garbage; only a negative count is certainly garbage.
            if count < 0 { throw RESPError.protocolViolation("invalid array length \(count)") }
            return nil
        }
        guard depth < self.maximumDepth else {
            throw RESPError.protocolViolation("arrays nested deeper than \(self.maximumDepth)")
        }
        var elements: [RESPValue] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            guard let element = try self.parseValue(&buffer, depth: depth + 1) else { return nil }
            elements.append(element)
        }
        return .array(elements)
    }

    /// Reads up to the next CRLF, returning the line without it; `nil` when no complete line is buffered.
    private static func readLine(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let view = buffer.readableBytesView
        guard let crIndex = view.firstIndex(of: self.carriageReturn) else {
            if view.count > 64 * 1024 { throw RESPError.protocolViolation("reply line longer than 64 KiB") }
            return nil
        }
        guard crIndex + 1 < view.endIndex else { return nil }
        guard view[crIndex + 1] == self.lineFeed else { throw RESPError.protocolViolation("CR not followed by LF") }
        let line = buffer.readSlice(length: crIndex - view.startIndex)!
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }

    /// Parses a signed decimal integer occupying the whole line.
    private static func parseInteger(_ line: ByteBuffer) throws -> Int {
        let digits = line.readableBytesView
        var index = digits.startIndex
        var negative = false
        if index < digits.endIndex, digits[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < digits.endIndex else { throw RESPError.protocolViolation("empty integer") }
        var value = 0
        while index < digits.endIndex {
            let byte = digits[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw RESPError.protocolViolation("invalid integer \"\(String(buffer: line).prefix(32))\"")
            }
            let (product, overflowMultiplying) = value.multipliedReportingOverflow(by: 10)
            let digit = Int(byte - UInt8(ascii: "0"))
            let (sum, overflowAdding) = negative ? product.subtractingReportingOverflow(digit) : product.addingReportingOverflow(digit)
            guard !overflowMultiplying, !overflowAdding else { throw RESPError.protocolViolation("integer out of range") }
            value = sum
            index += 1
        }
        return value
    }
}

import NIOCore

/// Encodes commands the way Redis clients send them: an array of bulk strings.
///
/// `["SET", "k", "v"]` becomes `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n`.
public enum RESPCommandEncoder {
    /// Appends `command` to `buffer`.
    public static func encode(_ command: [String], into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "*"))
        self.writeDecimal(command.count, into: &buffer)
        for argument in command {
            buffer.writeInteger(UInt8(ascii: "$"))
            self.writeDecimal(argument.utf8.count, into: &buffer)
            buffer.writeString(argument)
            buffer.writeStaticString("\r\n")
        }
    }

    /// Returns `command` encoded in a new buffer.
    public static func encode(_ command: [String], allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: command.reduce(16) { $0 + $1.utf8.count + 16 })
        self.encode(command, into: &buffer)
        return buffer
    }

    /// Writes a non-negative integer in decimal followed by CRLF.
    private static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        if value < 10 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(value))
        } else {
            buffer.writeString(String(value))
        }
        buffer.writeStaticString("\r\n")
    }
}

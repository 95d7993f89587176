/// Deterministic pseudo-randomness: a SplitMix64 generator plus stateless hashing of keys.
///
/// Data and faults are a pure function of the seed (and of the order of requests, for faults), so a run can be
/// reproduced exactly.
struct SandboxRandom: Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(self.state)
    }

    /// A uniform value in `0..<1`.
    mutating func unit() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(self.next() % span)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stateless hash of a few integers (the seed first), well mixed.
    static func hash(_ parts: UInt64...) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for part in parts {
            h = Self.mix(h ^ part &+ 0x9E37_79B9_7F4A_7C15)
        }
        return h
    }

    /// A stateless uniform value in `0..<1` for a few integers.
    static func unit(_ parts: UInt64...) -> Double {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for part in parts {
            h = Self.mix(h ^ part &+ 0x9E37_79B9_7F4A_7C15)
        }
        return Double(h >> 11) * 0x1.0p-53
    }
}

/// Calls per rolling hour, in one-minute buckets, for the app, and per ad account for `ads_management` and
/// `ads_insights`; renders the usage headers of reference §7.
struct UsageTracker: Sendable {
    /// One rolling one-hour window.
    struct Window: Sendable {
        private var minutes = [Int](repeating: Int.min, count: 60)
        private var counts = [Int](repeating: 0, count: 60)

        func count(at minute: Int) -> Int {
            var total = 0
            for i in 0..<60 where self.minutes[i] > minute - 60 && self.minutes[i] <= minute {
                total += self.counts[i]
            }
            return total
        }

        mutating func add(at minute: Int, _ n: Int = 1) {
            let slot = minute.floorMod(60)
            if self.minutes[slot] != minute {
                self.minutes[slot] = minute
                self.counts[slot] = 0
            }
            self.counts[slot] += n
        }

        /// Minutes until the count drops below `capacity` (0 when already below).
        func minutesToRegain(at minute: Int, capacity: Int) -> Int {
            var count = self.count(at: minute)
            guard count >= capacity else { return 0 }
            for m in (minute - 59)...minute {
                let slot = m.floorMod(60)
                if self.minutes[slot] == m { count -= self.counts[slot] }
                if count < capacity { return m - (minute - 60) }
            }
            return 60
        }
    }

    var app = Window()
    var management: [Int: Window] = [:]
    var insights: [Int: Window] = [:]

    static func percent(_ count: Int, _ capacity: Int) -> Int {
        capacity <= 0 ? 0 : count * 100 / capacity
    }
}

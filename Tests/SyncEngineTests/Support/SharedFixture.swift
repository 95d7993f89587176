/// A read-only value computed once per test process and key, then shared by every test that asks for it: e.g. the
/// digest of a clean reference sync that several tests compare their own runs with. Concurrent first requests wait
/// for the one computation; a failed computation is not kept, so the next request computes it again.
actor SharedFixture<Key: Hashable & Sendable, Value: Sendable> {
    private var values: [Key: Task<Value, any Error>] = [:]

    /// The value for `key`, computed by `compute` on the first request.
    func value(_ key: Key, _ compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = self.values[key] ?? Task { try await compute() }
        self.values[key] = task
        do {
            return try await task.value
        } catch {
            self.values[key] = nil
            throw error
        }
    }
}

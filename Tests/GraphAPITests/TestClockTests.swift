import Clocks
import Foundation
import GraphAPI
import Testing

/// Waits really suspend on the injected clock: nothing is re-sent until the test clock is advanced far enough.
@Suite struct TestClockTests {
    /// Yields until the client is suspended on the clock (bounded, so a bug fails instead of hanging).
    static func untilSuspended(_ clock: TestClock<Duration>) async -> Bool {
        for _ in 0..<10_000 {
            do {
                try await clock.checkSuspension()
            } catch {
                return true
            }
            await Task.yield()
        }
        return false
    }

    @Test func throttleWaitSuspendsUntilTheClockReachesIt() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([.error(code: 17), .ok()])
        let client = GraphClient(
            configuration: Harness.configuration(),
            transport: transport,
            clock: clock,
            budget: nil,
            metrics: RecordingMetrics(),
            random: FixedGraphRandomSource(0)
        )
        let call = Task { try await client.getJSON("/act_42", context: Harness.context()) }
        #expect(await Self.untilSuspended(clock))
        #expect(transport.requests.count == 1)
        await clock.advance(by: .seconds(59))
        #expect(transport.requests.count == 1)
        await clock.advance(by: .seconds(1))
        let node = try await call.value
        #expect(node["id"] == "1")
        #expect(transport.requests.count == 2)
    }

    @Test func cancellingAWaitingCallStopsIt() async throws {
        let clock = TestClock()
        let transport = ScriptedTransport([.error(code: 2, isTransient: true)])
        let client = GraphClient(configuration: Harness.configuration(), transport: transport, clock: clock, budget: nil, metrics: RecordingMetrics())
        let call = Task { try await client.getJSON("/act_42", context: Harness.context()) }
        #expect(await Self.untilSuspended(clock))
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(transport.requests.count == 1)
    }
}

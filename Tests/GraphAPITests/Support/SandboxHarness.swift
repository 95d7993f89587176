import Clocks
import Foundation
import GraphAPI
import GraphSandbox

/// A ``Harness`` whose transport is the in-process `GraphSandbox`, sharing one immediate clock (the sandbox's
/// "now", its latency sleeps and the client's waits all move together).
struct SandboxHarness {
    let sandbox: GraphSandbox
    let harness: Harness
    /// Every request the client sent.
    let recorder: RecordingTransport

    init(
        campaigns: Int = 7,
        emptyPageRate: Double = 0,
        faults: SandboxFaultRates = SandboxFaultRates(),
        requireProof: Bool = true,
        asyncReports: SandboxAsyncReportBehaviour = SandboxAsyncReportBehaviour(),
        configuration: GraphConfiguration = Harness.configuration(),
        jitter: Double = 0
    ) {
        let clock = ImmediateClock()
        let now = Harness.now(clock)
        self.sandbox = GraphSandbox(
            configuration: SandboxConfiguration(
                campaignsPerAccount: campaigns,
                adsetsPerCampaign: 1,
                adsPerAdset: 1,
                days: 5,
                accessToken: Harness.token,
                appSecret: Harness.appSecret,
                requireAppSecretProof: requireProof,
                faults: faults,
                emptyPageRate: emptyPageRate,
                asyncReports: asyncReports,
                now: now
            )
        )
        self.sandbox.registerAccessToken(Harness.refreshedToken)
        self.recorder = RecordingTransport(SandboxTransport(sandbox: self.sandbox, clock: clock))
        self.harness = Harness(
            transport: self.recorder,
            configuration: configuration,
            jitter: jitter,
            clock: clock
        )
    }

    var client: GraphClient { self.harness.client }
    var account: String { self.sandbox.accountIDs[0] }
    var waited: Duration { self.harness.waited }

    func context(
        refresh: (@Sendable (GraphError) async throws -> GraphSecret)? = nil,
        waitPolicy: GraphCallContext.WaitPolicy = .wait
    ) -> GraphCallContext {
        Harness.context(refresh: refresh, userID: self.sandbox.userID, account: self.account, waitPolicy: waitPolicy)
    }
}

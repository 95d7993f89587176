import Foundation
import MetaStore
import SyncEngine
import Testing

@testable import metasync

@Suite struct SyncSummaryTests {
    @Test func skippedAccountsArePrintedAsSkippedNotFailed() {
        var report = SyncReport()
        report.skipped = [
            SyncReport.Skipped(
                connectionID: "c1",
                accountID: "act_1",
                name: "Shop",
                reason: .leased,
                holder: "host-b:4242:0a1b2c3d",
                until: Date(timeIntervalSince1970: 1_795_000_000)
            ),
            SyncReport.Skipped(connectionID: "c1", accountID: "act_2", name: nil, reason: .notDue, holder: nil, until: nil),
        ]
        let text = SyncSummary.render(report)
        #expect(text.contains("act_1 (Shop)  skipped  leased by host-b:4242:0a1b2c3d until 2026-11-18T"))
        #expect(text.contains("act_2         skipped  not due"))
        // Nothing failed, but an account was left to another process: not "succeeded", and a non-zero exit.
        #expect(text.contains("outcome: skipped (1 account(s) leased by another process"))
        #expect(report.outcome == .succeeded)
        #expect(report.displayOutcome == "skipped")
        #expect(SyncInvocation.exitCode(report, allowSkipped: false) == 75)
        #expect(SyncInvocation.exitCode(report, allowSkipped: true) == nil)
        report.skipped.removeFirst()
        // A scheduled sync's "not due" is no reason to fail.
        #expect(SyncInvocation.exitCode(report, allowSkipped: false) == nil)
        #expect(SyncSummary.render(report).contains("outcome: succeeded"))
    }
}

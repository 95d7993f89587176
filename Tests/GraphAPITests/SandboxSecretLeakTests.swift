import Foundation
import GraphAPI
import GraphSandbox
import Testing

/// A run against the sandbox with every fault type (scripted one-shot faults plus random ones): no token, refreshed
/// token, app secret or `appsecret_proof` may appear in a log line, an error description or a metric label.
@Suite struct SandboxSecretLeakTests {
    @Test func noSecretLeaksOverARunWithEveryFaultType() async throws {
        var configuration = Harness.configuration()
        configuration.requestTimeout = .seconds(30)
        configuration.retry.maxAttempts = 8
        let world = SandboxHarness(campaigns: 40, emptyPageRate: 0.2, faults: .uniform(0.08), configuration: configuration, jitter: 0.5)
        let refreshing = world.context(refresh: { _ in GraphSecret(Harness.refreshedToken) })
        let failing = world.context(refresh: { _ in throw GraphStaticTokenProvider.CannotRefresh() })
        let account = world.account
        var errors: [any Error] = []
        func attempt(_ body: () async throws -> Void) async {
            do { try await body() } catch { errors.append(error) }
        }

        let scripted: [SandboxFault] = [
            .transient, .unknownError, .throttle(code: 4, subcode: 1_504_022, regainMinutes: 1),
            .throttle(code: 17, subcode: 2_446_079, regainMinutes: 1),
            .throttle(code: 32, subcode: nil, regainMinutes: 1), .throttle(code: 613, subcode: 1_487_742, regainMinutes: 1),
            .throttle(code: 80_004, subcode: 2_446_079, regainMinutes: 1), .dropConnection, .malformedBody, .latency(.seconds(40)),
        ]
        for fault in scripted {
            world.sandbox.enqueueFault(fault, matching: account)
            await attempt {
                _ = try await world.client.getJSON("/\(account)", parameters: GraphParameters().fields(["id", "name"]), context: refreshing)
            }
        }
        world.sandbox.enqueueFault(.tokenExpired)
        await attempt { _ = try await world.client.getJSON("/\(account)", context: refreshing) }
        world.sandbox.enqueueFault(.tokenExpired)
        await attempt { _ = try await world.client.getJSON("/\(account)", context: failing) }
        for code in [100, 10, 200] {
            world.sandbox.enqueueFault(
                .error(status: 400, code: code, subcode: nil, message: "(#\(code)) refused \(Harness.token)", isTransient: nil)
            )
            await attempt { _ = try await world.client.getJSON("/\(account)", context: refreshing) }
        }
        world.sandbox.enqueueFault(.reduceData, matching: "/campaigns")
        await attempt {
            for try await page in world.client.pages("/\(account)/campaigns", as: JSONValue.self, pageSize: 8, context: refreshing) {
                #expect(page.rawItems.count == page.data.count)
            }
        }
        world.sandbox.enqueueFault(.batchItemTimeout)
        await attempt {
            let results = try await world.client.batch([GraphBatchRequest(.get, "/\(account)"), GraphBatchRequest(.get, "/1")], context: refreshing)
            for case .failure(let error) in results { errors.append(error) }
        }
        for fault in [SandboxFault.reportJobFailed, .reportJobSkipped] {
            world.sandbox.enqueueFault(fault, matching: "/insights")
            await attempt {
                _ = try await world.client.runInsightsReport(
                    "/\(account)/insights",
                    as: JSONValue.self,
                    parameters: ["level": "campaign"],
                    context: refreshing
                )
            }
        }

        let injected = world.sandbox.stats.faultsInjected
        #expect(injected.count >= 12)
        #expect(errors.count >= 7)
        let proofs = Set(world.recorder.requests.compactMap { $0.parameter("appsecret_proof") })
        // The plain form (the default) is one proof per token: the first token's and the refreshed one's.
        #expect(proofs.count == 2)
        #expect(world.recorder.requests.allSatisfy { $0.parameter("appsecret_time") == nil })
        let secrets = [Harness.token, Harness.refreshedToken, Harness.appSecret] + Array(proofs)
        let logText = world.harness.logs.text
        let errorText = errors.map { "\($0) \(String(reflecting: $0))" }.joined(separator: "\n")
        let labels = world.harness.metrics.allLabels.joined(separator: "\n")
        #expect(logText.contains("fbtrace_id="))
        for secret in secrets {
            #expect(!logText.contains(secret), "a secret reached the logs")
            #expect(!errorText.contains(secret), "a secret reached an error description")
            #expect(!labels.contains(secret), "a secret reached a metric label")
        }
    }
}

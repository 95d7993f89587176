import Foundation
import GraphAPI
import Testing

/// A run through every fault type; no token, refreshed token, app secret or proof may appear in any captured
/// log line, error description or metric label.
@Suite struct SecretLeakTests {
    @Test func noSecretReachesLogsErrorsOrMetrics() async throws {
        let token = Harness.token
        let leakyMessage = "Invalid OAuth access token \(token) (see https://graph.facebook.com/me?access_token=\(token))"
        let buc: (name: String, value: String) = (
            name: "X-Business-Use-Case-Usage",
            value: #"{"42":[{"type":"ads_management","call_count":100,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":1}]}"#
        )
        let transport = ScriptedTransport([
            // 1. throttle with headers, then transient faults of every kind, then success
            .error(code: 80_004, subcode: 2_446_079, headers: [buc]),
            .error(code: 4), .ok(),
            .error(code: 17), .error(code: 32), .respond(.graphError(code: 613, fbtraceID: "T613")), .ok(),
            // 2. transient family, reaching the attempt limit: the last error is thrown
            .error(code: 1, subcode: 99, status: 500, message: leakyMessage),
            .error(code: 2, message: leakyMessage, isTransient: true),
            .fail(GraphTransportError(.timeout, detail: "GET https://graph.facebook.com/v25.0/me?access_token=\(token) timed out")),
            .fail(GraphTransportError(.connectionReset, detail: "reset while sending token \(token)")),
            .fail(GraphTransportError(.connectFailed, detail: "refused")),
            // 3. token expiry with successful refresh
            .error(code: 190, subcode: 463, message: leakyMessage), .ok(),
            // 4. token expiry, refresh succeeds, still rejected → token expired
            .error(code: 190, message: leakyMessage), .error(code: 190, subcode: 467, message: leakyMessage),
            // 5. permanent errors
            .error(code: 100, message: leakyMessage), .error(code: 10, status: 403, message: leakyMessage),
            .error(code: 200, status: 403, message: leakyMessage),
            // 6. data too large
            .error(code: 1, status: 500, message: "Please reduce the amount of data you're asking for, then retry your request \(token)"),
            // 7. paging with token-bearing next URLs
            .ok(
                #"{"data":[{"id":"1"}],"paging":{"cursors":{"after":"C1"},"next":"https://graph.facebook.com/v25.0/act_42/ads?access_token=\#(token)&after=C1"}}"#
            ),
            .ok(#"{"data":[],"paging":{"cursors":{"after":"C2"}}}"#),
            // 8. batch with a failed and a null item
            .ok(
                #"[{"code":400,"body":"{\"error\":{\"message\":\"bad \#(token)\",\"code\":100}}"},null,{"code":200,"body":"{\"id\":\"3\"}"}]"#
            ),
            .ok(#"{"id":"2"}"#),
            // 9. async insights job failure
            .ok(#"{"report_run_id":"77"}"#),
            .ok(#"{"id":"77","async_status":"Job Failed","async_percent_completion":0,"error_code":-2,"error_message":"Report failed"}"#),
        ])
        let harness = Harness(transport: transport, jitter: 1)
        var errors: [any Error] = []

        let plain = Harness.context()
        let refreshing = Harness.context(refresh: { _ in GraphSecret(Harness.refreshedToken) })

        _ = try await harness.client.getJSON("/act_42/campaigns", context: plain)
        _ = try await harness.client.getJSON("/act_42/campaigns", context: plain)
        do { _ = try await harness.client.getJSON("/act_42/adsets", context: plain) } catch { errors.append(error) }
        _ = try await harness.client.getJSON("/act_42/ads", context: refreshing)
        do { _ = try await harness.client.getJSON("/act_42", context: refreshing) } catch { errors.append(error) }
        for _ in 0..<3 {
            do { _ = try await harness.client.getJSON("/act_42", context: plain) } catch { errors.append(error) }
        }
        do { _ = try await harness.client.getJSON("/act_42/insights", context: plain) } catch { errors.append(error) }
        for try await page in harness.client.pages("/act_42/ads", as: JSONValue.self, context: plain) {
            #expect(page.data.count <= 1)
        }
        let batch = try await harness.client.batch(["1", "2", "3"].map { GraphBatchRequest(.get, "/\($0)") }, context: plain)
        for case .failure(let error) in batch { errors.append(error) }
        do { _ = try await harness.client.runInsightsReport("/act_42/insights", as: JSONValue.self, parameters: [:], context: plain) } catch {
            errors.append(error)
        }

        #expect(errors.count == 8)
        #expect(transport.requests.count == 26)

        let proofs = Set(transport.requests.compactMap { $0.parameter("appsecret_proof") })
        #expect(proofs.count > 1)
        let secrets = [Harness.token, Harness.refreshedToken, Harness.appSecret] + Array(proofs)

        let logText = harness.logs.text
        let errorText = errors.map { "\($0) \(String(reflecting: $0))" }.joined(separator: "\n")
        let labels = harness.metrics.allLabels.joined(separator: "\n")
        #expect(!logText.isEmpty)
        #expect(logText.contains("fbtrace_id=T613"))
        for secret in secrets {
            #expect(!logText.contains(secret), "a secret reached the logs")
            #expect(!errorText.contains(secret), "a secret reached an error description")
            #expect(!labels.contains(secret), "a secret reached a metric label")
        }
        #expect(errorText.contains("[REDACTED]"))
    }
}

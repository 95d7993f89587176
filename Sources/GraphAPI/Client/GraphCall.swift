/// One logical call: what to send and how to label it.
struct GraphCall: Sendable {
    var method: GraphHTTPMethod
    var path: String
    var parameters: GraphParameters
    /// Units charged to the call budget (a batch charges one per sub-request).
    var cost: Int = 1
    /// The metrics/log label; the path's template when `nil`.
    var endpoint: String?

    var endpointLabel: String { self.endpoint ?? GraphEndpointTemplate.template(for: self.path) }

    /// The business use case the call counts against: the context's, else the path's.
    func useCase(_ context: GraphCallContext) -> String {
        context.useCase ?? GraphUseCase.of(path: self.path)
    }
}

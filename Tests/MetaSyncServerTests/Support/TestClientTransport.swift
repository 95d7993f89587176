import Foundation
import GraphAPI
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// A ``GraphTransport`` that delivers requests to the application under test, so the sandbox's webhook sender can
/// post to it in-process.
struct TestClientTransport: GraphTransport {
    let client: any TestClientProtocol

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        var headers = HTTPFields()
        for header in request.headers {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        let query = request.query.map { "\($0.name)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        let uri = request.path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let method: HTTPRequest.Method = request.method == .post ? .post : request.method == .delete ? .delete : .get
        let response = try await self.client.execute(
            uri: uri,
            method: method,
            headers: headers,
            body: request.body.isEmpty ? nil : ByteBuffer(bytes: request.body)
        )
        return GraphHTTPResponse(
            status: Int(response.status.code),
            headers: response.headers.map { (name: $0.name.rawName, value: $0.value) },
            body: Array(response.body.readableBytesView)
        )
    }
}

import HTTPTypes
import Hummingbird
import NIOCore

/// A small, self-contained HTML page for the browser-facing flows (OAuth, data-deletion status).
struct HTMLPage: Sendable {
    var title: String
    var message: String
    var detail: String?
    var link: (href: String, text: String)?

    func response(status: HTTPResponse.Status) -> Response {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(self.title)) · MetaSync</title>
            <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1c1e21}
            h1{font-size:1.4rem}p.detail{color:#555;font-size:.9rem}a{color:#0866ff}</style></head>
            <body><main><h1>\(Self.escape(self.title))</h1><p>\(Self.escape(self.message))</p>
            """
        if let detail { html += "<p class=\"detail\">\(Self.escape(detail))</p>" }
        if let link { html += "<p><a href=\"\(Self.escape(link.href))\">\(Self.escape(link.text))</a></p>" }
        html += "</main></body></html>\n"
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

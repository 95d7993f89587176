import Foundation
import Testing

/// All SQL lives in MetaStore (issue 18): no SQL statement in a string literal, no SQLKit import and no raw database
/// handle (`withSQL`, `sql.raw(`) anywhere in `Sources/` outside `Sources/MetaStore` and the
/// benchmarks' target (`Sources/MetaSyncBenchmarks`, which may keep the raw SQL it measures).
@Suite struct SQLPlacementTests {
    /// The directories of `Sources/` allowed to hold SQL.
    static let sqlHomes: Set<String> = ["MetaStore", "MetaSyncBenchmarks"]

    /// `file:line` → why that line is not SQL although it matches (keep small; each entry says why).
    static let allowlist: [String: String] = [:]

    /// An SQL statement's opening inside a string literal: `SELECT … FROM`, `SELECT 1`, `INSERT INTO`, `UPDATE t SET`,
    /// `DELETE FROM`, DDL. Upper case only, as SQL is written in this code base; a lone word ("DELETE", Redis's
    /// `SELECT`) is not a statement.
    nonisolated(unsafe) static let statement = try! Regex(
        #"\bSELECT\s+(\S.*\bFROM\b|\d)|\bINSERT\s+INTO\b|\bUPDATE\s+"?\w+"?\s+SET\b|\bDELETE\s+FROM\b|\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|VIEW|SCHEMA)\b|\bON\s+CONFLICT\b"#
    )

    /// Code that reaches the database below MetaStore's repositories.
    static let handles = ["import SQLKit", "import SQLiteKit", "import PostgresKit", "import PostgresNIO", ".withSQL", "SQLQueryString", "sql.raw("]

    static var sourcesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    @Test func noSQLOutsideMetaStoreAndTheBenchmarks() throws {
        let root = Self.sourcesDirectory
        let targets = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !Self.sqlHomes.contains($0) }
        #expect(targets.contains("MetaSyncServer") && targets.contains("SyncEngine"), "Sources/ not found at \(root.path)")
        var findings: [String] = []
        for target in targets.sorted() {
            let directory = root.appendingPathComponent(target)
            guard let files = FileManager.default.enumerator(atPath: directory.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                findings += Self.findings(in: text, path: "Sources/\(target)/\(file)")
            }
        }
        #expect(findings.isEmpty, "SQL outside MetaStore (move it into a MetaStore repository or read model):\n\(findings.joined(separator: "\n"))")
    }

    /// The scanner finds what it must, and leaves comments and lone words alone.
    @Test func theScannerFlagsStatementsAndHandlesOnly() {
        let code = #"""
            let a = "SELECT id FROM campaigns"
            let b = """
                UPDATE work_queue SET state = 'done'
                """
            // SELECT id FROM comments is documentation
            let c = ["SELECT", "0"]  // Redis
            let d = "DELETED"
            try await db.withSQL { sql in }
            """#
        let lines = Self.findings(in: code, path: "x.swift").map { $0.split(separator: ":")[1] }
        #expect(lines == ["1", "3", "8"])
    }

    /// `path:line: text` for every offending line of `text`.
    static func findings(in text: String, path: String) -> [String] {
        var out: [String] = []
        var inMultiline = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let location = "\(path):\(index + 1)"
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let quotes = line.components(separatedBy: "\"\"\"").count - 1
            let literals: [String]
            if inMultiline {
                literals = [String(line)]
            } else if trimmed.hasPrefix("//") {
                literals = []
            } else {
                literals = Self.singleLineLiterals(String(line))
            }
            if quotes % 2 == 1 { inMultiline.toggle() }
            if Self.allowlist[location] != nil { continue }
            let isCode = !inMultiline && !trimmed.hasPrefix("//")
            if literals.contains(where: { $0.contains(Self.statement) }) || (isCode && Self.handles.contains(where: { line.contains($0) })) {
                out.append("\(location): \(trimmed)")
            }
        }
        return out
    }

    /// The contents of the `"…"` literals of one line (escaped quotes respected).
    static func singleLineLiterals(_ line: String) -> [String] {
        var literals: [String] = []
        var current: String?
        var escaped = false
        for character in line {
            if var text = current {
                if escaped {
                    escaped = false
                    text.append(character)
                    current = text
                } else if character == "\\" {
                    escaped = true
                    current = text
                } else if character == "\"" {
                    literals.append(text)
                    current = nil
                } else {
                    text.append(character)
                    current = text
                }
            } else if character == "\"" {
                current = ""
            }
        }
        return literals
    }
}

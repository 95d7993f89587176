import Foundation
import MetaStore
import MetaSyncTestSupport
import SQLKit
import Testing

/// docs/schema.md and the migrations agree: every table and view a fresh migrated database has is documented with
/// exactly its columns, and the document describes nothing the database lacks.
@Suite struct SchemaDocumentationTests {
    @Test(arguments: TestBackend.all)
    func theSchemaDocumentListsExactlyTheMigratedTablesAndColumns(backend: TestBackend) async throws {
        let documented = try SchemaDocument.load().tables
        let actual = try await backend.withDatabase { db in try await DatabaseSchema.read(db) }
        #expect(actual.count > 10, "read no tables from the migrated database")
        let differences = SchemaDocument.differences(documented: documented, actual: actual)
        #expect(differences.isEmpty, "docs/schema.md disagrees with the migrations on \(backend):\n\(differences.joined(separator: "\n"))")
    }

    /// The type column of docs/schema.md (`TEXT`, `instant`, `day`, `count`, `money`, `decimal`, `JSON`, `INTEGER`)
    /// names what each backend really stores (the kinds table at the top of the document).
    @Test(arguments: TestBackend.all)
    func theSchemaDocumentsTheTypeOfEveryTypedColumn(backend: TestBackend) async throws {
        let documented = try SchemaDocument.load().types
        let actual = try await backend.withDatabase { db in try await DatabaseSchema.types(db) }
        var checked = 0
        for (table, columns) in documented.sorted(by: { $0.key < $1.key }) {
            for (column, kind) in columns.sorted(by: { $0.key < $1.key }) {
                guard let expected = SchemaDocument.storedTypes(kind: kind, backend: backend), let type = actual[table]?[column] else { continue }
                checked += 1
                #expect(expected.contains(type), "`\(table)`.`\(column)` is documented as \(kind) but is \(type) on \(backend)")
            }
        }
        #expect(checked > 150, "checked only \(checked) column types")
    }

    @Test func theParserReadsSectionsSubTablesAndGroupedColumns() {
        let text = """
            ## `alpha`

            | column | type | meaning |
            | --- | --- | --- |
            | `id` | TEXT | |
            | `a`, `b` | TEXT | not `c` |

            ## `beta` and `gamma` (migration 3)

            `beta`: the first.

            | column | type | meaning |
            | --- | --- | --- |
            | `x` | TEXT | |

            `gamma` — the second.

            | column | type | meaning |
            | --- | --- | --- |
            | `y` | TEXT | |

            ## Using it

            | API | what it does |
            | --- | --- |
            | `store.alpha` | reads |
            """
        let document = SchemaDocument(markdown: text)
        #expect(document.tables == ["alpha": ["id", "a", "b"], "beta": ["x"], "gamma": ["y"]])
        #expect(document.types == ["alpha": ["id": "TEXT", "a": "TEXT", "b": "TEXT"], "beta": ["x": "TEXT"], "gamma": ["y": "TEXT"]])
    }

    @Test func differencesNameTheTableAndTheSide() {
        let differences = SchemaDocument.differences(
            documented: ["a": ["id", "old"], "gone": ["id"]],
            actual: ["a": ["id", "new"], "added": ["id"]]
        )
        #expect(
            differences == [
                "table `added` is in the database but not documented",
                "table `gone` is documented but not in the database",
                "`a`.`new` is in the database but not documented",
                "`a`.`old` is documented but not in the database",
            ]
        )
    }
}

/// The tables (and views) of docs/schema.md with their documented columns.
struct SchemaDocument {
    /// Table or view name → column names, as the document lists them.
    var tables: [String: Set<String>] = [:]
    /// Table name → column name → the first word of its type cell (`TEXT`, `instant`, `money`, …), for the column
    /// tables that have a `type` column.
    var types: [String: [String: String]] = [:]

    static func load() throws -> SchemaDocument {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return SchemaDocument(markdown: try String(contentsOf: root.appendingPathComponent("docs/schema.md"), encoding: .utf8))
    }

    /// Reads `## \`table\`` sections; a section naming several tables introduces each with a line starting
    /// "\`table\`" before its column table. Column tables are those whose header starts with `column`; a row's first
    /// cell lists one or more backticked column names.
    init(markdown: String) {
        var current: String?
        var inColumnTable = false
        var hasTypes = false
        var inCode = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") { inCode.toggle() }
            if inCode || line.hasPrefix("```") { continue }
            if line.hasPrefix("#") {
                let names = Self.backticked(line)
                current = names.count == 1 && line.hasPrefix("## ") ? names[0] : nil
                inColumnTable = false
            } else if line.hasPrefix("|") {
                let firstCell = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().first.map(String.init) ?? ""
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst()
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                if cells.first == "column" {
                    inColumnTable = true
                    hasTypes = cells.dropFirst().first == "type"
                } else if inColumnTable, let table = current {
                    self.tables[table, default: []].formUnion(Self.backticked(firstCell))
                    let kind = cells.dropFirst().first.flatMap { $0.split(whereSeparator: { ", (".contains($0) }).first }.map(String.init)
                    if hasTypes, let kind, !kind.hasPrefix("-") {
                        for column in Self.backticked(firstCell) { self.types[table, default: [:]][column] = kind }
                    }
                }
            } else {
                inColumnTable = false
                // "`table`: …" or "`table` — …" starts one table of a section naming several.
                guard let name = Self.backticked(line).first, line.hasPrefix("`\(name)`") else { continue }
                let rest = line.dropFirst(name.count + 2)
                if rest.hasPrefix(":") || rest.hasPrefix(" —") { current = name }
            }
        }
    }

    /// The backticked identifiers (`[a-z0-9_]`) of `text`, in order.
    static func backticked(_ text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 && !$0.element.isEmpty && $0.element.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } }
            .map { String($0.element) }
    }

    /// The declared types a documented kind is stored as on `backend` (the kinds table of the document), nil for a
    /// kind this test does not know.
    static func storedTypes(kind: String, backend: TestBackend) -> Set<String>? {
        let sqlite: [String: Set<String>] = [
            "TEXT": ["TEXT"], "instant": ["REAL"], "day": ["TEXT"], "count": ["INTEGER"], "money": ["TEXT"], "money-typed": ["TEXT"],
            "decimal": ["TEXT"], "JSON": ["TEXT"], "INTEGER": ["INTEGER"], "integer": ["INTEGER"], "generated": ["INTEGER"],
        ]
        let postgres: [String: Set<String>] = [
            "TEXT": ["text"], "instant": ["timestamp with time zone"], "day": ["date"], "count": ["bigint"], "money": ["numeric"],
            "money-typed": ["numeric"], "decimal": ["numeric"], "JSON": ["json"], "INTEGER": ["integer", "bigint"],
            "integer": ["integer", "bigint"], "generated": ["integer", "bigint"],
        ]
        return (backend == .sqlite ? sqlite : postgres)[kind]
    }

    /// What differs, one readable line each: tables first, then columns, sorted.
    static func differences(documented: [String: Set<String>], actual: [String: Set<String>]) -> [String] {
        var tables: [String] = []
        var columns: [String] = []
        for name in Set(documented.keys).union(actual.keys).sorted() {
            switch (documented[name], actual[name]) {
            case (nil, _): tables.append("table `\(name)` is in the database but not documented")
            case (_, nil): tables.append("table `\(name)` is documented but not in the database")
            case (let doc?, let db?):
                columns += db.subtracting(doc).sorted().map { "`\(name)`.`\($0)` is in the database but not documented" }
                columns += doc.subtracting(db).sorted().map { "`\(name)`.`\($0)` is documented but not in the database" }
            }
        }
        return tables + columns
    }
}

/// The tables and views of a migrated database with their columns, as the database reports them.
enum DatabaseSchema {
    /// Table → column → declared type (SQLite's declared type; PostgreSQL's `information_schema` `data_type`).
    static func types(_ db: MetaDatabase) async throws -> [String: [String: String]] {
        try await db.withSQL { sql in
            let query =
                db.kind == .sqlite
                ? "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'"
                : "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()"
            var types: [String: [String: String]] = [:]
            for row in try await sql.raw("\(unsafeRaw: query)").all() {
                types[try row.decode(column: "table_name", as: String.self), default: [:]][try row.decode(column: "column_name", as: String.self)] =
                    try row.decode(column: "data_type", as: String.self)
            }
            return types
        }
    }

    static func read(_ db: MetaDatabase) async throws -> [String: Set<String>] {
        try await db.withSQL { sql in
            switch db.kind {
            case .sqlite:
                let names = try await sql.raw(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
                ).all().map { try $0.decode(column: "name", as: String.self) }
                var tables: [String: Set<String>] = [:]
                for name in names {
                    let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: name))").all()
                    tables[name] = Set(try columns.map { try $0.decode(column: "name", as: String.self) })
                }
                return tables
            case .postgres:
                let rows = try await sql.raw(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                ).all()
                var tables: [String: Set<String>] = [:]
                for row in rows {
                    tables[try row.decode(column: "table_name", as: String.self), default: []]
                        .insert(try row.decode(column: "column_name", as: String.self))
                }
                return tables
            }
        }
    }
}

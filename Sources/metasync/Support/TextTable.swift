/// Renders rows as a plain, aligned text table for terminal output.
///
/// ```
/// table        rows
/// -----------  ----
/// campaigns      10
/// ```
struct TextTable {
    /// How a column aligns its cells.
    enum Alignment {
        case left
        case right
    }

    var headers: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []

    init(_ headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
    }

    mutating func add(_ row: [String]) {
        self.rows.append(row)
    }

    func render() -> String {
        let all = [self.headers] + self.rows
        var widths = self.headers.map(\.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: max(widths[index] - cell.count, 0))
                return self.alignments[index] == .right ? padding + cell : cell + padding
            }
            .joined(separator: "  ")
            .trailingSpacesRemoved()
        }
        var lines = [line(self.headers), line(widths.map { String(repeating: "-", count: $0) })]
        lines += self.rows.map(line)
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func trailingSpacesRemoved() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}

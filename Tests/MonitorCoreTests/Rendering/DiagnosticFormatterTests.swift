import Foundation
import MonitorCore
import Testing

/// The three outputs of `monitor check` (SPEC §7).
@Suite struct DiagnosticFormatterTests {
    static let source = "version: 1\njobs:\n  db:\n    window: 0m\n\tbad: tab\r\n"
    static let formatter = DiagnosticFormatter(sources: ["monitor.yaml": source])
    static let window = Diagnostic.error(
        "window of job \"db\": invalid duration \"0m\": must be greater than zero",
        at: SourceLocation(file: "monitor.yaml", line: 4, column: 13))

    @Test func textShowsTheLineAndACaretUnderTheColumn() {
        #expect(
            Self.formatter.render([Self.window], as: .text) == """
                monitor.yaml:4:13: error: window of job "db": invalid duration "0m": must be greater than zero
                    window: 0m
                            ^

                """)
    }

    @Test func textKeepsTabsInTheMarginAndDropsACarriageReturn() {
        let tab = Diagnostic.error(
            "invalid YAML: a tab character; YAML indents with spaces only",
            at: SourceLocation(file: "monitor.yaml", line: 5, column: 2))
        #expect(
            Self.formatter.render([tab], as: .text)
                == "monitor.yaml:5:2: error: invalid YAML: a tab character; YAML indents with spaces only\n\tbad: tab\n\t^\n")
    }

    @Test func theOffendingLineNeverShowsAURLPassword() {
        let source = """
            settings:
              state: postgres://monitor:s3cret@Pa55@db.example.com/monitor
              other: "postgres://monitor@db.example.com/monitor?sslmode=require&password=s3cret-Pa55"
              plain: postgres://monitor@db.example.com/monitor  # a comment with a colon: and an @ sign
            """
        let formatter = DiagnosticFormatter(sources: ["monitor.yaml": source])
        let diagnostics = [2, 3, 4].map { Diagnostic.error("refused", at: SourceLocation(file: "monitor.yaml", line: $0, column: 10)) }
        let text = formatter.render(diagnostics, as: .text)
        #expect(!text.contains("s3cret") && !text.contains("Pa55"), "\(text)")
        #expect(text.contains("  state: postgres://monitor:***@db.example.com/monitor\n         ^\n"), "\(text)")
        #expect(text.contains("/monitor?sslmode=require&password=***\""), "\(text)")
        #expect(text.contains("  plain: postgres://monitor@db.example.com/monitor  # a comment with a colon: and an @ sign\n"), "\(text)")
    }

    @Test func textWithoutALineOrASourceIsOneLine() {
        let unreadable = Diagnostic(.error, "\"b.yaml\" is not UTF-8 text; save it as UTF-8", file: "b.yaml")
        let warning = Diagnostic.warning("environment variable X is not set here", at: SourceLocation(file: "other.yaml", line: 2, column: 1))
        let beyond = Diagnostic.error("past the end", at: SourceLocation(file: "monitor.yaml", line: 40, column: 1))
        #expect(
            Self.formatter.render([unreadable, warning, beyond], as: .text) == """
                b.yaml: error: "b.yaml" is not UTF-8 text; save it as UTF-8
                other.yaml:2:1: warning: environment variable X is not set here
                monitor.yaml:40:1: error: past the end

                """)
    }

    @Test func jsonIsAnArrayOfFiveKeys() throws {
        let unreadable = Diagnostic(.error, "cannot read \"b.yaml\"", file: "b.yaml")
        let warning = Diagnostic.warning("a \"quoted\" / path", at: SourceLocation(file: "dir/a.yaml", line: 2, column: 5))
        let output = Self.formatter.render([Self.window, warning, unreadable], as: .json)
        #expect(output.hasSuffix("]\n"))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { Set($0.keys) == ["file", "line", "column", "severity", "message"] })
        #expect(rows[0]["file"] as? String == "monitor.yaml")
        #expect(rows[0]["line"] as? Int == 4)
        #expect(rows[0]["column"] as? Int == 13)
        #expect(rows[0]["severity"] as? String == "error")
        #expect(rows[0]["message"] as? String == Self.window.message)
        #expect(rows[1]["severity"] as? String == "warning")
        #expect(rows[1]["message"] as? String == "a \"quoted\" / path")
        #expect(rows[2]["line"] is NSNull, "a diagnostic without a line has null line and column")
        #expect(rows[2]["column"] is NSNull)
    }

    @Test func jsonOfNothingIsAnEmptyArray() throws {
        let output = Self.formatter.render([], as: .json)
        #expect(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Any] != nil)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || output.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func githubPrintsWorkflowCommands() {
        let warning = Diagnostic.warning("environment variable X is not set here", at: SourceLocation(file: "a.yaml", line: 2, column: 1))
        #expect(
            Self.formatter.render([Self.window, warning], as: .github) == """
                ::error file=monitor.yaml,line=4,col=13::window of job "db": invalid duration "0m": must be greater than zero
                ::warning file=a.yaml,line=2,col=1::environment variable X is not set here

                """)
    }

    @Test func githubEscapesTheMessageAndTheFile() {
        let odd = Diagnostic.error("100% wrong\r\nsecond line: a, b", at: SourceLocation(file: "dir,1/a:b%.yaml", line: 1, column: 1))
        let unreadable = Diagnostic(.error, "cannot read", file: "x.yaml")
        #expect(
            Self.formatter.render([odd, unreadable], as: .github) == """
                ::error file=dir%2C1/a%3Ab%25.yaml,line=1,col=1::100%25 wrong%0D%0Asecond line: a, b
                ::error file=x.yaml::cannot read

                """)
    }

    @Test func summaryCountsErrorsAndWarnings() {
        let warning = Diagnostic.warning("w", at: SourceLocation(file: "a", line: 1, column: 1))
        #expect(DiagnosticFormatter.summary([Self.window]) == "1 error, 0 warnings")
        #expect(DiagnosticFormatter.summary([Self.window, Self.window, warning]) == "2 errors, 1 warning")
    }

    @Test func diagnosticsSortByFileLineAndColumnWithFileLevelOnesFirst() {
        let a = Diagnostic.error("a", at: SourceLocation(file: "a.yaml", line: 2, column: 5))
        let b = Diagnostic.error("b", at: SourceLocation(file: "a.yaml", line: 2, column: 1))
        let c = Diagnostic.error("c", at: SourceLocation(file: "a.yaml", line: 10, column: 1))
        let d = Diagnostic(.error, "d", file: "a.yaml")
        let e = Diagnostic.error("e", at: SourceLocation(file: "0.yaml", line: 99, column: 1))
        #expect([a, b, c, d, e].sorted().map(\.message) == ["e", "d", "b", "a", "c"])
    }
}

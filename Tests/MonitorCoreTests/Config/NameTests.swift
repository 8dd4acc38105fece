import MonitorCore
import Testing

@Suite struct NameTests {
    @Test(arguments: [
        "a", "0", "db", "postgres-prod", "db.prod_1-x", "9lives", "a.", "a-", "a_",
        String(repeating: "a", count: 64),
    ])
    func accepts(_ name: String) {
        #expect(Name.problem(with: name) == nil)
        #expect(name.wholeMatch(of: try! Regex(Name.pattern)) != nil, "agrees with the documented pattern")
    }

    @Test(
        arguments: [
            ("", "a name cannot be empty", nil),
            ("Postgres", "upper-case letters are not allowed", "postgres"),
            ("db Prod", "upper-case letters are not allowed", "db-prod"),
            ("db prod", "contains a space; use lowercase letters, digits, \"_\", \".\" and \"-\"", "db-prod"),
            ("db\tprod", "contains a tab; use lowercase letters, digits, \"_\", \".\" and \"-\"", "db-prod"),
            ("db/prod", "contains \"/\"; use lowercase letters, digits, \"_\", \".\" and \"-\"", "db-prod"),
            ("ops@mail", "contains \"@\"; use lowercase letters, digits, \"_\", \".\" and \"-\"", "ops-mail"),
            ("café", "contains \"é\"; use lowercase letters, digits, \"_\", \".\" and \"-\"", "cafe"),
            ("-db", "must start with a lowercase letter or a digit", "db"),
            ("_db", "must start with a lowercase letter or a digit", "db"),
            (".hidden", "must start with a lowercase letter or a digit", "hidden"),
            ("..", "must start with a lowercase letter or a digit", nil),
            (String(repeating: "a", count: 65), "is 65 characters long; names have at most 64", String(repeating: "a", count: 64)),
        ] as [(String, String, String?)])
    func refusesWithTheFirstProblemAndSuggestsAName(_ name: String, _ problem: String, _ suggestion: String?) {
        #expect(Name.problem(with: name) == problem)
        #expect(name.wholeMatch(of: try! Regex(Name.pattern)) == nil, "agrees with the documented pattern")
        #expect(Name.suggestion(for: name) == suggestion)
        if let suggestion { #expect(Name.problem(with: suggestion) == nil, "a suggestion is itself valid") }
    }

    @Test func validNamesNeedNoSuggestion() {
        #expect(Name.suggestion(for: "db") == nil)
    }

    @Test(arguments: [("SMTP_PASSWORD", true), ("_x", true), ("a1", true), ("1A", false), ("A-B", false), ("$A", false), ("", false), ("É", false)])
    func environmentVariableNames(_ name: String, _ valid: Bool) {
        #expect(EnvironmentVariableName.isValid(name) == valid)
    }
}

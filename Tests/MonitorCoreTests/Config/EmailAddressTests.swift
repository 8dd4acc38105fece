import MonitorCore
import Testing

@Suite struct EmailAddressTests {
    @Test(
        arguments: [
            ("ops@example.com", "ops@example.com", nil),
            ("  ops@example.com  ", "ops@example.com", nil),
            ("backups+alerts@mail.example.co.uk", "backups+alerts@mail.example.co.uk", nil),
            ("root@localhost", "root@localhost", nil),
            ("Backup Monitor <monitor@example.com>", "monitor@example.com", "Backup Monitor"),
            ("<monitor@example.com>", "monitor@example.com", nil),
            ("o'brien.x_y@ex-ample.org", "o'brien.x_y@ex-ample.org", nil),
        ] as [(String, String, String?)])
    func parses(_ text: String, _ address: String, _ displayName: String?) throws {
        let parsed = try EmailAddress(parsing: text)
        #expect(parsed.address == address)
        #expect(parsed.displayName == displayName)
        #expect(try EmailAddress(parsing: parsed.description) == parsed, "prints in a form that parses back")
    }

    @Test(arguments: [
        ("ops", "expected local-part@domain, e.g. ops@example.com"),
        ("ops@", "nothing after \"@\""),
        ("@example.com", "nothing before \"@\""),
        ("a@b@c", "more than one \"@\""),
        (".ops@example.com", "dots cannot start, end or repeat in the part before \"@\""),
        ("ops.@example.com", "dots cannot start, end or repeat in the part before \"@\""),
        ("o..ps@example.com", "dots cannot start, end or repeat in the part before \"@\""),
        ("op s@example.com", "the part before \"@\" has a character that is not allowed"),
        ("ops@exa mple.com", "\"exa mple.com\" is not a valid domain name"),
        ("ops@-example.com", "\"-example.com\" is not a valid domain name"),
        ("ops@example..com", "\"example..com\" is not a valid domain name"),
        ("ops@exämple.com", "\"exämple.com\" is not a valid domain name"),
        ("\(String(repeating: "a", count: 65))@example.com", "the part before \"@\" is longer than 64 characters"),
        ("Monitor <monitor@example.com", "write Name <local@domain>, with the address between \"<\" and \">\" at the end"),
        ("monitor@example.com>", "write Name <local@domain>, with the address between \"<\" and \">\" at the end"),
        ("Team \"A\" <a@example.com>", "the display name cannot contain quotes, angle brackets or line breaks"),
        ("Monitor <>", "expected local-part@domain, e.g. ops@example.com"),
    ])
    func refuses(_ text: String, _ problem: String) {
        do {
            _ = try EmailAddress(parsing: text)
            Issue.record("\"\(text)\" was accepted")
        } catch {
            #expect(error.message == "malformed e-mail address \"\(text)\": \(problem)")
        }
    }
}

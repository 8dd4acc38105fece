import Foundation
import MonitorCore
import Testing

/// The PostgreSQL state URL (SPEC §12): what is read from it, and each way it is refused,
/// never repeating a password.
@Suite struct PostgresLocationTests {
    static func parsed(_ text: String) throws -> PostgresLocation {
        switch PostgresLocation.parse(text) {
        case .success(let location): return location
        case .failure(let error): throw error
        }
    }

    static func refusal(_ text: String) -> String? {
        if case .failure(let error) = PostgresLocation.parse(text) { return error.description }
        return nil
    }

    @Test func everyPartIsRead() throws {
        let location = try Self.parsed("postgres://monitor@db.example.com:6543/backups?sslmode=verify-full")
        #expect(location.user == "monitor")
        #expect(location.host == "db.example.com")
        #expect(location.port == 6543)
        #expect(location.database == "backups")
        #expect(location.sslMode == .verifyFull)
        #expect(location.description == "postgres://monitor@db.example.com:6543/backups?sslmode=verify-full")
    }

    @Test func defaultsAndTheOtherSpellings() throws {
        let location = try Self.parsed("POSTGRESQL://back%20up@[::1]/my%2Ddb")
        #expect(location.user == "back up")
        #expect(location.host == "::1")
        #expect(location.port == 5432)
        #expect(location.database == "my-db")
        #expect(location.sslMode == .prefer, "libpq's default")
        #expect(location.description == "postgres://back up@[::1]:5432/my-db", "an sslmode not written is not added")
        for mode in PostgresLocation.SSLMode.allCases {
            #expect(try Self.parsed("postgres://u@h/d?sslmode=\(mode.rawValue)").sslMode == mode)
        }
    }

    @Test func onlyPostgresSchemesAreStates() {
        #expect(PostgresLocation.isPostgres("postgres://u@h/d"))
        #expect(PostgresLocation.isPostgres("PostgreSQL://u@h/d"))
        #expect(!PostgresLocation.isPostgres("state/monitor.sqlite"))
        #expect(!PostgresLocation.isPostgres("/var/lib/postgres://x"))
        #expect(!PostgresLocation.isPostgres("postgres:/u@h/d"))
        #expect(Self.refusal("state.sqlite")?.hasPrefix("it is not a URL of the form postgres://") == true)
    }

    @Test(
        "a password is refused wherever it is written, and never repeated",
        arguments: [
            "postgres://monitor:s3cret-Pa55@db.example.com/monitor",
            "postgres://monitor:@db.example.com/monitor",
            "postgres://monitor:s3cret@Pa55@db.example.com/monitor",
            "postgres://monitor:s3cret%40Pa55@db.example.com:5432/monitor?sslmode=require",
            "postgresql://monitor:s3cret-Pa55@[::1]/monitor",
            "postgres://monitor@db.example.com/monitor?password=s3cret-Pa55",
        ])
    func aPasswordIsRefused(_ url: String) throws {
        let message = try #require(Self.refusal(url))
        #expect(message.hasPrefix("it carries a password; remove it from the URL"), "\(message)")
        #expect(message.contains("settings.state_password_env"))
        #expect(!message.contains("s3cret") && !message.contains("Pa55"), "\(message)")
    }

    @Test func eachMalformedPartIsNamed() {
        #expect(Self.refusal("postgres://db.example.com/monitor") == "it names no user (postgres://USER@HOST/DATABASE)")
        #expect(Self.refusal("postgres://monitor@db.example.com") == "it names no database (postgres://USER@HOST/DATABASE)")
        #expect(Self.refusal("postgres://monitor@db.example.com/") == "it names no database (postgres://USER@HOST/DATABASE)")
        #expect(Self.refusal("postgres://monitor@db.example.com/a/b") == "it names no database (postgres://USER@HOST/DATABASE)")
        #expect(Self.refusal("postgres://monitor@/monitor") == "it names no host")
        #expect(Self.refusal("postgres://monitor@h/d?sslmode=verify-ca") == "sslmode=verify-ca is not one of disable, prefer, require, verify-full")
        #expect(Self.refusal("postgres://monitor@h/d?sslmode") == "sslmode= is not one of disable, prefer, require, verify-full")
        #expect(
            Self.refusal("postgres://monitor@h/d?connect_timeout=5") == "it has the parameter \"connect_timeout\", and only sslmode is understood")
        #expect(Self.refusal("postgres://monitor@h:0/d") == "its port 0 is out of range")
        for port in ["99999", "54x32", "-1"] {
            let message = Self.refusal("postgres://monitor@h:\(port)/d")
            #expect(message != nil, "port \(port)")
            #expect(message?.contains("port") == true || message?.hasPrefix("it is not a URL") == true, "port \(port): \(message ?? "")")
        }
    }
}

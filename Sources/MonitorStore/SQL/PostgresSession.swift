import Foundation
import Logging
import MonitorCore
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The connections of one process to a PostgreSQL state: opened on demand, kept while idle,
/// dropped when broken. The store is synchronous (as with SQLite), so each call waits for its
/// answer on the calling thread; the connections' I/O runs on NIO's own threads, never on the
/// caller's, so a wait cannot block the loop it waits for.
final class PostgresPool: @unchecked Sendable {
    let location: PostgresLocation
    private let configuration: PostgresConnection.Configuration
    private let lock = NSLock()
    private var idle: [PostgresConnection] = []
    private var nextID = 1
    private static let keptIdle = 8

    static let logger: Logger = {
        var logger = Logger(label: "monitor.state.postgres")
        logger.logLevel = .critical
        return logger
    }()

    /// Every transaction that writes takes this lock first, as SQLite's IMMEDIATE transactions
    /// take the file's write lock: writers of all agents follow one another, so every
    /// read-then-write in the store (a status file already recorded? a notification already
    /// queued? a claim already taken?) holds exactly as it does on one host.
    static let writeLockKey: Int64 = 0x4D4F_4E31

    init(location: PostgresLocation, password: String?) throws(StoreError) {
        self.location = location
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch location.sslMode {
            case .disable:
                tls = .disable
            case .prefer, .require:
                var client = TLSConfiguration.makeClientConfiguration()
                client.certificateVerification = .none
                let context = try NIOSSLContext(configuration: client)
                tls = location.sslMode == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw .unreadable(path: location.description, reason: "cannot set up TLS: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: password, database: location.database,
            tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        if location.sslMode == .verifyFull { configuration.options.tlsServerName = location.host }
        // A writer waits for another agent's write lock as SQLite waits for its busy timeout.
        configuration.options.additionalStartupParameters = [
            ("application_name", "monitor"), ("lock_timeout", "\(Int(StateStore.busyTimeout * 1000))"), ("TimeZone", "UTC"),
        ]
        self.configuration = configuration
    }

    deinit {
        for connection in idle { try? connection.close().wait() }
    }

    private func checkout() throws -> PostgresConnection {
        let reused: PostgresConnection? = lock.withLock {
            while let connection = idle.popLast() {
                if !connection.isClosed { return connection }
            }
            return nil
        }
        if let reused { return reused }
        let id = lock.withLock {
            defer { nextID += 1 }
            return nextID
        }
        return try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: id, logger: Self.logger
        ).wait()
    }

    private func checkin(_ connection: PostgresConnection) {
        let surplus: PostgresConnection? = lock.withLock {
            guard !connection.isClosed else { return nil }
            guard idle.count < Self.keptIdle else { return connection }
            idle.append(connection)
            return nil
        }
        if let surplus { try? surplus.close().wait() }
    }

    /// Takes a session-level advisory lock named `name` on a connection of its own, kept out of
    /// the pool until the returned closure releases it; `nil` when another session holds it.
    /// (The two-key form: a key space apart from the write lock's.)
    func trySessionLock(_ name: String) throws -> (@Sendable () -> Void)? {
        let connection = try checkout()
        let session = PostgresSession(connection)
        let taken: Bool
        do {
            taken = try Bool.fetchOne(session, sql: "SELECT pg_try_advisory_lock(7, hashtext(?))", arguments: [name]) ?? false
        } catch {
            try? connection.close().wait()
            throw error
        }
        guard taken else {
            checkin(connection)
            return nil
        }
        return { [self] in
            if (try? PostgresSession(connection).execute("SELECT pg_advisory_unlock(7, hashtext(?))", [name])) != nil {
                self.checkin(connection)
            } else {
                try? connection.close().wait()
            }
        }
    }

    /// Runs `body` in one transaction on one connection: committed when it returns, rolled back
    /// when it throws. A connection that failed is closed rather than reused.
    func transaction<T>(writing: Bool, _ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try checkout()
        let session = PostgresSession(connection)
        do {
            if writing {
                try session.execute("BEGIN", [])
                try session.execute("SELECT pg_advisory_xact_lock(\(Self.writeLockKey))", [])
            } else {
                // One snapshot for the whole read, as a read transaction of SQLite's WAL gives.
                try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", [])
            }
            let result = try body(session)
            try session.execute("COMMIT", [])
            checkin(connection)
            return result
        } catch {
            if !connection.isClosed, (try? session.execute("ROLLBACK", [])) != nil {
                checkin(connection)
            } else {
                try? connection.close().wait()
            }
            throw error
        }
    }
}

/// ``SQLConnection`` over one PostgreSQL connection inside a transaction.
final class PostgresSession: SQLConnection {
    let connection: PostgresConnection
    var dialect: SQLDialect { .postgres }

    init(_ connection: PostgresConnection) { self.connection = connection }

    func execute(_ sql: String, _ arguments: SQLArguments) throws {
        if arguments.values.isEmpty, sql.contains(";") {
            // A script (the schema): several statements, no arguments, sent one by one (the
            // extended protocol takes one statement per message).
            for statement in Self.statements(sql) {
                _ = try connection.query(PostgresQuery(unsafeSQL: statement), logger: PostgresPool.logger).wait()
            }
        } else {
            _ = try connection.query(Self.query(sql, arguments), logger: PostgresPool.logger).wait()
        }
    }

    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        let result = try connection.query(Self.query(sql, arguments), logger: PostgresPool.logger).wait()
        var rows: [SQLRow] = []
        rows.reserveCapacity(result.count)
        var columns: SQLRow.Columns?
        for row in result.rows {
            if columns == nil { columns = SQLRow.Columns(row.map(\.columnName)) }
            rows.append(SQLRow(columns: columns!, values: try row.map(Self.value)))
        }
        return rows
    }

    /// The store writes `?` for arguments (SQLite's form); PostgreSQL numbers them. Quoted text,
    /// quoted names and comments are left alone.
    static func numbered(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        scan(sql) { character, code in
            if code, character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The statements of a script, split at the semicolons that end them.
    static func statements(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        scan(script) { character, code in
            if code, character == ";" {
                statements.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        statements.append(current)
        return statements.filter {
            !$0.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") || $0.allSatisfy(\.isWhitespace) }
        }
    }

    /// Calls `body` with each character of `sql`, and whether it is SQL code (not inside quotes or a comment).
    private static func scan(_ sql: String, _ body: (Character, Bool) -> Void) {
        var quote: Character?
        var comment = false
        var previous: Character = " "
        for character in sql {
            var code = false
            if comment {
                if character == "\n" { comment = false }
            } else if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "-", previous == "-" {
                comment = true
            } else {
                code = true
            }
            body(character, code)
            previous = character
        }
    }

    static func query(_ sql: String, _ arguments: SQLArguments) -> PostgresQuery {
        var binds = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let number): binds.append(UntypedText(String(number)))
            case .real(let number): binds.append(UntypedText(String(number)))
            case .text(let text): binds.append(UntypedText(text))
            case .time(let date): binds.append(UntypedText(Timestamp.string(date)))
            }
        }
        return PostgresQuery(unsafeSQL: numbered(sql), binds: binds)
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric: return .real(NSDecimalNumber(decimal: try cell.decode(Decimal.self)).doubleValue)
        case .timestamptz, .timestamp, .date: return .time(try cell.decode(Date.self))
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// An argument sent as text with no type: the server infers its type from where it is used
/// (a `timestamptz` column reads the RFC 3339 text as a time, an integer column as a number),
/// as SQLite's dynamic typing takes the same text. One encoding serves every column.
struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String
    init(_ text: String) { self.text = text }

    var psqlType: PostgresDataType { .null }
    var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}

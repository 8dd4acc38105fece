import Foundation

/// A self-signed certificate for 127.0.0.1, made once per test run with `openssl req -x509`:
/// the SMTP server presents it, and tests trust it (or not) through `ca_file`.
public enum TestCertificate {
    public struct Files: Sendable {
        public let certificate: URL
        public let key: URL
    }

    public static func files() throws -> Files { try made.get() }

    private static let made: Result<Files, any Error> = Result {
        let folder = try TestServer.temporaryFolder()
        let certificate = folder.appendingPathComponent("cert.pem")
        let key = folder.appendingPathComponent("key.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.path, "-out", certificate.path, "-days", "2", "-subj", "/CN=monitor test SMTP server",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServerDidNotStart(description: "openssl req -x509 failed (exit \(process.terminationStatus)); run scripts/setup-test-deps")
        }
        return Files(certificate: certificate, key: key)
    }
}

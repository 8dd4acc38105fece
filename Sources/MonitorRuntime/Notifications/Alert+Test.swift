import Foundation
import MonitorCore

extension Alert {
    /// What `monitor notify test ROUTE` sends: clearly marked as a test (event and state TEST,
    /// no job, no occurrence), with the dashboard link when `settings.public_url` is set.
    public static func test(settings: Settings, now: Date) -> Alert {
        Alert(
            event: .test, job: "notify-test", state: "TEST", occurrences: [],
            message: "Test message from monitor on \(EmailTransport.hostName()); no backup job is affected.",
            labels: [:], destination: "", timezone: settings.timezone, jobDescription: nil,
            url: settings.publicURL, createdAt: now)
    }
}

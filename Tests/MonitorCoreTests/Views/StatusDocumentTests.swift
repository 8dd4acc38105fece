import Foundation
import Testing

@testable import MonitorCore

/// `/api/jobs` and `status --format json` encode the document a job at a time; the bytes must
/// be exactly those of the encoder given the whole document.
@Suite struct StatusDocumentTests {
    static func time(_ text: String) -> Date { Timestamp.parse(text)! }

    @Test(arguments: [0, 1, 3])
    func encodingAJobAtATimeGivesTheEncodersBytes(count: Int) throws {
        let schedule = try CronSchedule(parsing: "0 2 * * *")
        let jobs = (0..<count).map { index in
            let job = Job(
                name: "job-\(index)/\"x\"", destination: "nas", schedule: schedule, window: TimeSpan(seconds: 3_600),
                labels: ["team": "<données>", "n": "\(index)"], description: index == 1 ? nil : "line\nbreak ✓ </script>")
            let occurrence = Occurrence(scheduledAt: Self.time("2026-11-21T02:00:00Z"), windowEnd: Self.time("2026-11-21T03:00:00Z"))
            var record = OccurrenceRecord(occurrence: occurrence)
            record.state = index == 2 ? .failed : .pending
            record.message = index == 2 ? "tab\there \u{1F}" : nil
            return JobView(
                job: job, status: index == 2 ? .failed : .new, lastSuccessAt: index == 0 ? Self.time("2026-11-20T02:10:00Z") : nil,
                currentVersion: index == 0 ? VersionView(id: "v1", files: 2, bytes: 1 << 40, promotedAt: Self.time("2026-11-20T02:11:00Z")) : nil,
                latest: OccurrenceView(record), next: NextOccurrenceView(occurrence))
        }
        let document = StatusDocument(generatedAt: Self.time("2026-11-21T03:00:00Z"), jobs: jobs)
        #expect(try document.encoded() == Array(try JSONEncoder.api.encode(document)))
    }
}

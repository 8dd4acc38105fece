import Foundation
import Testing

@testable import MonitorCore

/// `promote:` on destinations and jobs (SPEC §14): read as written, the job's winning, stored
/// only when written, and shown by `plan` like any other key.
@Suite struct PromotionModeTests {
    static func job(_ name: String, promote: PromotionMode? = nil) -> Job {
        var job = Job(name: name, destination: "nas", schedule: try! CronSchedule(parsing: "0 2 * * *"), window: TimeSpan(seconds: 3 * 3600))
        job.promote = promote
        return job
    }

    static func state(destination: PromotionMode? = nil, job: PromotionMode? = nil) -> DesiredState {
        var nas = Destination(name: "nas", path: "/srv/backups")
        nas.promote = destination
        return DesiredState(
            settings: Settings(state: "/var/lib/monitor/state.sqlite"), destinations: [nas], routes: [], jobs: [Self.job("db", promote: job)])
    }

    @Test func theFixtureIsReadAsWritten() throws {
        let configuration = try ConfigDecodingTests.load("valid/promote.yaml")
        #expect(configuration.destination(named: "nas")?.promote == .linkUnchanged)
        #expect(configuration.destination(named: "offsite")?.promote == nil)
        let modes = Dictionary(
            uniqueKeysWithValues: configuration.jobs.map { located in
                let job = located.value
                let destination = try! #require(configuration.destination(named: job.destination))
                return (job.name, ActiveJob(job: job, destination: destination, activeSince: Date()).promotionMode)
            })
        #expect(modes == ["db": .linkUnchanged, "restic": PromotionMode.none, "files": .copy, "photos": .copy])
        #expect(configuration.jobs.first { $0.value.name == "db" }?.value.promote == nil, "the destination's mode is not copied into the job")
    }

    @Test func theJobsModeWinsOverItsDestinations() {
        var nas = Destination(name: "nas", path: "/srv/backups")
        nas.promote = PromotionMode.none
        #expect(ActiveJob(job: Self.job("db", promote: .linkUnchanged), destination: nas, activeSince: Date()).promotionMode == .linkUnchanged)
        #expect(ActiveJob(job: Self.job("db"), destination: nas, activeSince: Date()).promotionMode == PromotionMode.none)
        #expect(ActiveJob(job: Self.job("db"), destination: Destination(name: "nas", path: "/x"), activeSince: Date()).promotionMode == .copy)
    }

    @Test func anUnwrittenModeIsNotStored() throws {
        let unwritten = String(decoding: try Self.state().canonicalJSON(), as: UTF8.self)
        #expect(!unwritten.contains("promote"), "a state applied before promote existed must plan no change")
        let written = String(decoding: try Self.state(destination: .linkUnchanged, job: PromotionMode.none).canonicalJSON(), as: UTF8.self)
        #expect(written.contains("\"promote\":\"link_unchanged\""))
        #expect(written.contains("\"promote\":\"none\""))
        let decoded = try JSONDecoder().decode(DesiredState.self, from: Data(written.utf8))
        #expect(decoded.jobs.first?.promote == PromotionMode.none)
        #expect(decoded.destinations.first?.promote == .linkUnchanged)
    }

    @Test func planShowsTheKeyLikeAnyOther() throws {
        #expect(try Planner.plan(from: Self.state(), to: Self.state()).isEmpty)
        let plan = try Planner.plan(from: Self.state(), to: Self.state(destination: .linkUnchanged, job: PromotionMode.none))
        let text = PlanRenderer.text(plan)
        #expect(plan.summary == Plan.Summary(add: 0, change: 2, remove: 0))
        #expect(text.contains("~ destination nas"), "\(text)")
        #expect(text.contains("promote: (none) -> \"link_unchanged\"") || text.contains("promote: null -> \"link_unchanged\""), "\(text)")
        #expect(text.contains("~ job db"), "\(text)")
        let back = try Planner.plan(from: Self.state(job: .linkUnchanged), to: Self.state(job: .copy))
        #expect(PlanRenderer.text(back).contains("promote: \"link_unchanged\" -> \"copy\""), "\(PlanRenderer.text(back))")
    }
}

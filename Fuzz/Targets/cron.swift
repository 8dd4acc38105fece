import Foundation
import MonitorCore

/// libFuzzer target `cron`: a cron expression on the first line, optionally a time zone
/// identifier on the second (UTC otherwise). A pattern that parses is asked for a few next
/// occurrences after a fixed instant and for the latest one before it; the answers must keep the
/// documented order (strictly increasing, and `latest` lands on the sequence `next` produces).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCron(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let expression = String(lines[0])
    let zone = lines.count > 1 ? TimeZone(identifier: String(lines[1])) ?? utc : utc
    guard let schedule = try? CronSchedule(parsing: expression) else { return 0 }
    // 2026-01-01T00:00:00Z, the start of the cron reference table.
    let origin = Date(timeIntervalSince1970: 1_767_225_600)
    var previous = origin
    for _ in 0..<4 {
        guard let next = schedule.next(after: previous, in: zone) else { break }
        guard next > previous else { fatalError("\(expression) in \(zone.identifier): next(after: \(previous)) = \(next) is not later") }
        guard schedule.latest(atOrBefore: next, in: zone) == next else {
            fatalError("\(expression) in \(zone.identifier): latest(atOrBefore: \(next)) is not \(next), which next() returned")
        }
        previous = next
    }
    if let latest = schedule.latest(atOrBefore: origin, in: zone), latest > origin {
        fatalError("\(expression) in \(zone.identifier): latest(atOrBefore: \(origin)) = \(latest) is later")
    }
    return 0
}

private let utc = TimeZone(identifier: "UTC")!

import Foundation
import MonitorCore
import MonitorRuntime
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Not a timed test: a harness that measures promotion against `cp` and `cp` + `sha256sum` of the
// same files, run only when asked, in a release build:
//
//   swift build -c release --build-tests -Xswiftc -enable-testing --scratch-path .build-release
//   MONITOR_PROMOTION_BENCHMARK=1 swift test -c release -Xswiftc -enable-testing --scratch-path .build-release \
//       --skip-build --filter PromotionBenchmark
//
// (-enable-testing because other test files use @testable imports.) Run it on a quiet machine:
// it prints the load average and, next to wall-clock times, the CPU time of each contender.
//
// Optional: MONITOR_PROMOTION_BENCHMARK_MIB (total size, default 512), _FILES (default 8),
// _DIR (a folder on the file system to measure, default the temporary folder), _ROUNDS (default 3).

@Suite("Promotion benchmark")
struct PromotionBenchmark {
    private static let environment = ProcessInfo.processInfo.environment

    @Test("promotion throughput against cp and cp + sha256sum", .enabled(if: environment["MONITOR_PROMOTION_BENCHMARK"] != nil))
    func measure() throws {
        let mebibytes = Int(Self.environment["MONITOR_PROMOTION_BENCHMARK_MIB"] ?? "") ?? 512
        let count = Int(Self.environment["MONITOR_PROMOTION_BENCHMARK_FILES"] ?? "") ?? 8
        let rounds = Int(Self.environment["MONITOR_PROMOTION_BENCHMARK_ROUNDS"] ?? "") ?? 3
        let base =
            Self.environment["MONITOR_PROMOTION_BENCHMARK_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        let root = base.appendingPathComponent("monitor-promotion-benchmark-\(UUID().uuidString)")
        let job = root.appendingPathComponent("job")
        let staging = job.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        var files: [StatusReport.File] = []
        for index in 0..<count {
            let name = "part-\(index).bin"
            try shell("head -c \(mebibytes << 20 / count) /dev/urandom > \(staging.path)/\(name)")
            let (sha256, size) = try FileSHA256.ofFile(at: staging.appendingPathComponent(name).path)
            files.append(.init(path: name, size: size, sha256: sha256))
        }
        let names = files.map { "\(staging.path)/\($0.path)" }.joined(separator: " ")
        let copy = root.appendingPathComponent("copy").path
        var timings: [String: [Sample]] = [:]

        for round in 0..<rounds {
            // Sources in the page cache and no write-back pending from the last run: every contender starts alike.
            try shell("cat \(names) > /dev/null; rm -rf \(copy) \(job.path)/versions \(job.path)/current_version; sync")
            timings["cp", default: []].append(try time { try shell("cp -r \(staging.path) \(copy)") })
            try shell("rm -rf \(copy); sync")
            timings["cp + sync", default: []].append(try time { try shell("cp -r \(staging.path) \(copy) && sync") })
            try shell("rm -rf \(copy); sync")
            timings["cp + sha256sum", default: []].append(try time { try shell("cp -r \(staging.path) \(copy) && sha256sum \(names) > /dev/null") })
            try shell("rm -rf \(copy); sync")
            let status = Data("{\"round\": \(round)}".utf8)
            let report = StatusReport(job: nil, status: .success, startedAt: nil, finishedAt: Date(), files: files, message: nil, producer: nil)
            let id = Promoter.versionID(finishedAt: report.finishedAt, statusSHA256: FileSHA256.hex(of: status))
            var result: PromotionResult?
            timings["promote (fsync)", default: []].append(
                try time {
                    result = Promoter().promote(report: report, statusBytes: status, jobFolder: job.path, versionID: id, keepVersions: 1)
                })
            guard case .promoted = result else { throw BenchmarkFailure(description: "promotion failed: \(String(describing: result))") }
        }

        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        for (name, samples) in timings.sorted(by: { $0.key < $1.key }) {
            print("  rounds \(name): " + samples.map { String(format: "%.2f/%.2f", $0.wall, $0.cpu) }.joined(separator: " "))
        }
        let median = timings.mapValues { samples in
            Sample(wall: samples.map(\.wall).sorted()[samples.count / 2], cpu: samples.map(\.cpu).sorted()[samples.count / 2])
        }
        let promote = median["promote (fsync)"]!
        print(
            "promotion benchmark: \(mebibytes) MiB in \(count) files on \(base.path), median of \(rounds) rounds, "
                + "load average \(String(format: "%.1f", load[0])) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for name in ["cp", "cp + sync", "cp + sha256sum", "promote (fsync)"] {
            let sample = median[name]!
            let label = name.padding(toLength: 16, withPad: " ", startingAt: 0)
            print(
                "  \(label)"
                    + String(
                        format: " wall %6.3f s (%5.0f MiB/s, promote/this %.2f)   cpu %6.3f s (promote/this %.2f)",
                        sample.wall, Double(mebibytes) / sample.wall, promote.wall / sample.wall,
                        sample.cpu, promote.cpu / sample.cpu))
        }
    }

    private struct BenchmarkFailure: Error, CustomStringConvertible {
        let description: String
    }

    private func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkFailure(description: "`\(command)` exited with \(process.terminationStatus)") }
    }

    /// Wall-clock seconds of `body`, and the CPU seconds (user + system) it used in this process
    /// and in the programs it ran: on a shared machine the second says more than the first.
    private func time(_ body: () throws -> Void) throws -> Sample {
        func cpu() -> Double {
            var total = 0.0
            for who in [RUSAGE_SELF, RUSAGE_CHILDREN] {
                var usage = rusage()
                getrusage(__rusage_who_t(who.rawValue), &usage)
                total += Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            }
            return total
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let startCPU = cpu()
        try body()
        return Sample(wall: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu: cpu() - startCPU)
    }

    private struct Sample {
        var wall: Double
        var cpu: Double
    }
}

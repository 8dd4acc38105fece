import Foundation
import MonitorCore

/// libFuzzer target `status`: bytes of a `STATUS.json` through `StatusReportDecoder.decode`,
/// with both verification modes. Every input must end in a report or a problem.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatus(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    for verify in Verification.allCases {
        switch StatusReportDecoder.decode(data, job: "postgres-prod", verify: verify) {
        case .success(let report): _ = "\(report)"
        case .failure(let problem): _ = "\(problem)"
        }
    }
    return 0
}

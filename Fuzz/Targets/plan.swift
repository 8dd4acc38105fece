import Foundation
import MonitorCore

/// libFuzzer target `plan`: bytes of a saved plan (`monitor plan --out`) through
/// `PlanFile.read(path:)`, the reader of `apply --plan`: JSON decoding into the plan and desired
/// state types, then the digest check. Every input must end in a plan or a `StoreError`.
///
/// Built from `Sources/MonitorStore/PlanFile.swift` and `StoreError.swift` with a stand-in
/// `ConfigDigest` and `StateStore` (`Fuzz/Support`), so that neither GRDB nor swift-crypto is built.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlan(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let path = FuzzFolder.shared.write(start, count, to: "plan.json")
    do {
        let file = try PlanFile.read(path: path)
        _ = try? file.encoded()
    } catch {
        _ = error.description
    }
    return 0
}

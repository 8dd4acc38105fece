import Foundation
import MonitorCore

/// libFuzzer target `config`: YAML text through `ConfigLoader.load(path:)`, the entry point of
/// `check`, `plan` and `apply`, then through the diagnostic formatter in every format.
///
/// The loader reads files, so each input is written to one file of a private folder first.
/// Any input must end in a configuration or diagnostics, within the time libFuzzer allows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = FuzzFolder.shared.write(start, count, to: "monitor.yaml")
    let result = ConfigLoader(workingDirectory: FuzzFolder.shared.path).load(path: "monitor.yaml")
    if result.diagnostics.hasErrors != (result.configuration == nil) {
        fatalError("a configuration was returned together with errors, or no configuration without an error")
    }
    let formatter = DiagnosticFormatter(sources: result.sources)
    for format in DiagnosticFormat.allCases {
        let output = formatter.render(result.diagnostics, as: format)
        if showOutput, format == .text { print(output, terminator: "") }
    }
    if let configuration = result.configuration {
        _ = try? DesiredState(configuration).canonicalJSON()
    }
    return 0
}

/// `FUZZ_SHOW=1 Fuzz/.build/bin/config FILE` prints the diagnostics, to see what an input does.
private let showOutput = ProcessInfo.processInfo.environment["FUZZ_SHOW"] == "1"

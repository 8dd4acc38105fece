import Foundation

/// The fuzz build's stand-in for MonitorStore's `StateStore` (a GRDB database): only what the
/// messages of `StoreError` name, so that `StoreError.swift` compiles without GRDB.
public enum StateStore {
    public static let busyTimeout: TimeInterval = 15
}

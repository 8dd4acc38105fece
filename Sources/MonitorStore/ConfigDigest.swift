import Crypto
import Foundation
import MonitorCore

/// The config digest: SHA-256 of the desired state's canonical JSON, so that reformatting the
/// YAML or splitting it into files does not change it, and any change of meaning does.
public enum ConfigDigest {
    public static func of(_ desired: DesiredState) throws -> String {
        of(canonicalJSON: try desired.canonicalJSON())
    }

    static func of(canonicalJSON: [UInt8]) -> String {
        hex(SHA256.hash(data: canonicalJSON))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

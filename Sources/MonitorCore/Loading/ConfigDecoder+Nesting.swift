import Foundation

extension ConfigDecoder {
    /// A destination inside another one is refused: each job writes `versions/` and
    /// `current_version` into `<destination>/<job>/`, so a destination nested in another's tree
    /// would have monitor write into the outer destination's job folders (or their staging/),
    /// and the outer one's jobs into it. Two destinations on the same folder are fine: job names
    /// are unique, so their folders never meet. Compared as written (after resolving relative
    /// paths), so that `check` gives the same answer on every machine.
    func checkNesting(_ destinations: [Located<Destination>]) {
        let components = destinations.map { Self.components(of: $0.value.path) }
        for (inner, innerPath) in zip(destinations, components) {
            for (outer, outerPath) in zip(destinations, components)
            where outerPath.count < innerPath.count && innerPath.starts(with: outerPath) {
                reader.error(
                    "destination \"\(inner.value.name)\" (\(inner.value.path)) is inside destination \"\(outer.value.name)\" "
                        + "(\(outer.value.path)); monitor writes each job's "
                        + "versions/ and current_version under its destination, so the two would write into each other's job folders — "
                        + "give each destination a folder of its own", at: inner.location)
                break
            }
        }
    }

    private static func components(of path: String) -> [String] {
        (path as NSString).standardizingPath.split(separator: "/").map(String.init)
    }
}

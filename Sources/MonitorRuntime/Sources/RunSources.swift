import MonitorCore

/// The readers of every source other than the status file, by kind: what every scan path (the
/// daemon, `monitor scan`, `monitor demo`) hands to ``Scanner/init(store:sources:logger:)``, so
/// that no path forgets one. Each source adds its entry here.
public enum RunSources {
    public static func standard() -> [Source.Kind: any RunSource] {
        var sources: [Source.Kind: any RunSource] = [:]
        sources[.ping] = PingSource()
        sources[.restic] = ResticSnapshots()
        sources[.borg] = BorgArchives()
        return sources
    }
}

/// The version `monitor --version`, the manual pages and `monitor_build_info` report.
public enum MonitorVersion {
    public static let current = "0.1.0"
}

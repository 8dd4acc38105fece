import MonitorCLI

/// Runs `monitor`. An async entry point, so the async `main()` of the root command is the
/// one called and `monitor run` can run its services.
@main
enum Entrypoint {
    static func main() async {
        await MonitorCommand.main()
    }
}

import MonitorCLI
MonitorCommand.main()

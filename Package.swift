// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "monitor",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "monitor", targets: ["monitor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // Pure: configuration model, loader, validator, diagnostics, durations, cron.
        .target(
            name: "MonitorCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // One file per command; no logic that tests cannot reach through the libraries.
        .target(
            name: "MonitorCLI",
            dependencies: [
                "MonitorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "monitor", dependencies: ["MonitorCLI"]),
        .testTarget(
            name: "MonitorCoreTests",
            dependencies: ["MonitorCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MonitorCLITests",
            dependencies: ["MonitorCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

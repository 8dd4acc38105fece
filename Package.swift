// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "monitor",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "monitor", targets: ["monitor"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Named for the daemon's connection guard (a channel handler); Hummingbird brings them in anyway.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // The shared state of several hosts (SPEC §12); TLS to it through swift-nio-ssl, which it brings.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Pure: configuration model, loader, validator, diagnostics, durations, cron.
        .target(
            name: "MonitorCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // The state: SQLite through GRDB (the embedded default) or PostgreSQL through PostgresNIO,
        // behind one set of store operations (migrations, transactions, named queries).
        .target(
            name: "MonitorStore",
            dependencies: [
                "MonitorCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The side effects: status files, promotion, the scanner, notifiers, daemon services.
        .target(
            name: "MonitorRuntime",
            dependencies: [
                "MonitorCore",
                "MonitorStore",
                "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libcurl (SMTP and webhooks), through static inline typed wrappers of curl_easy_setopt.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // zlib (gzip of the /api/jobs document, once per version), through a typed wrapper of deflateInit2.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The daemon's HTTP side: Hummingbird routes, JSON API, metrics, the embedded dashboard.
        .target(
            name: "MonitorWeb",
            dependencies: [
                "MonitorCore",
                "MonitorStore",
                "MonitorRuntime",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        // One file per command; no logic that tests cannot reach through the libraries.
        .target(
            name: "MonitorCLI",
            dependencies: [
                "MonitorCore",
                "MonitorStore",
                "MonitorRuntime",
                "MonitorWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "monitor", dependencies: ["MonitorCLI"]),
        // Test support shared by test targets: the Python test servers (SMTP, webhooks) and the
        // self-signed certificate. Foundation only.
        .target(name: "MonitorTestSupport", path: "Tests/MonitorTestSupport"),
        .testTarget(
            name: "MonitorCoreTests",
            dependencies: ["MonitorCore", "MonitorTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MonitorStoreTests",
            dependencies: ["MonitorStore", "MonitorCore", "MonitorTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "MonitorRuntimeTests",
            dependencies: ["MonitorRuntime", "MonitorStore", "MonitorCore", "MonitorTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MonitorWebTests",
            dependencies: [
                "MonitorWeb", "MonitorRuntime", "MonitorStore", "MonitorCore", "MonitorTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "MonitorCLITests",
            dependencies: ["MonitorCore", "MonitorTestSupport"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "metasync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "metasync", targets: ["metasync"]),
        .executable(name: "metasync-bench", targets: ["MetaSyncBenchmarks"]),
        .library(name: "GraphAPI", targets: ["GraphAPI"]),
        .library(name: "GraphSandbox", targets: ["GraphSandbox"]),
        .library(name: "MetaStore", targets: ["MetaStore"]),
        .library(name: "SyncEngine", targets: ["SyncEngine"]),
        .library(name: "MetaSyncServer", targets: ["MetaSyncServer"]),
        .library(name: "Recommendations", targets: ["Recommendations"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/pointfreeco/swift-clocks.git", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // The Graph client: requests, paging, typed errors, retries, call budget, usage governor, batch, async insights.
        .target(
            name: "GraphAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // A deterministic simulator of the Graph API subset MetaSync uses. Never a dependency of production code paths.
        .target(
            name: "GraphSandbox",
            dependencies: [
                "GraphAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // SQL schema, migrations, repositories, token vault and durable work queue (SQLite and PostgreSQL).
        .target(
            name: "MetaStore",
            dependencies: [
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A small RESP2 (Redis) client on SwiftNIO: pool, AUTH, SELECT, PING, EVALSHA/EVAL, reconnection, timeouts.
        .target(
            name: "RESPClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Full, incremental and performance syncs; checkpoints; token lifecycle; webhook-driven refresh.
        .target(
            name: "SyncEngine",
            dependencies: [
                "GraphAPI",
                "MetaStore",
                "RESPClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Optimization rules over stored rows: ranked, explained recommendations with a lifecycle (reads only MetaStore).
        .target(
            name: "Recommendations",
            dependencies: [
                "MetaStore",
                "GraphAPI",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP application: OAuth, webhooks, JSON API, dashboard, metrics, health.
        .target(
            name: "MetaSyncServer",
            dependencies: [
                "SyncEngine",
                "MetaStore",
                "Recommendations",
                "GraphAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "metasync",
            dependencies: [
                "GraphAPI",
                "GraphSandbox",
                "MetaStore",
                "SyncEngine",
                "MetaSyncServer",
                "Recommendations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmarks (`metasync-bench`; `metasync bench` runs it): store, sync, sandbox, call budgets, pacing and
        // the rules. Not linked into `metasync`; besides MetaStore, the only target allowed raw SQL (what it measures).
        .executableTarget(
            name: "MetaSyncBenchmarks",
            dependencies: [
                "GraphAPI",
                "GraphSandbox",
                "MetaStore",
                "SyncEngine",
                "Recommendations",
                "RESPClient",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared test support (not a product): throwaway SQLite/PostgreSQL databases, required-services rules, the
        // sandbox-backed sync harness, fixed clocks, captured logs, signed webhooks, Redis test servers.
        .target(
            name: "MetaSyncTestSupport",
            dependencies: [
                "GraphAPI",
                "GraphSandbox",
                "MetaStore",
                "SyncEngine",
                "RESPClient",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/MetaSyncTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GraphAPITests",
            dependencies: [
                "MetaSyncTestSupport",
                "GraphAPI",
                "GraphSandbox",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GraphSandboxTests",
            dependencies: [
                "MetaSyncTestSupport",
                "GraphSandbox",
                "GraphAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MetaStoreTests",
            dependencies: [
                "MetaSyncTestSupport",
                "MetaStore",
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RESPClientTests",
            dependencies: [
                "MetaSyncTestSupport",
                "RESPClient",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncEngineTests",
            dependencies: [
                "MetaSyncTestSupport",
                "SyncEngine",
                "GraphSandbox",
                "GraphAPI",
                "MetaStore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RecommendationsTests",
            dependencies: [
                "MetaSyncTestSupport",
                "Recommendations",
                "MetaStore",
                "SyncEngine",
                "GraphSandbox",
                "GraphAPI",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "metasyncTests",
            dependencies: [
                "MetaSyncTestSupport",
                "metasync",
                "Recommendations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MetaSyncServerTests",
            dependencies: [
                "MetaSyncTestSupport",
                "MetaSyncServer",
                "Recommendations",
                "GraphSandbox",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

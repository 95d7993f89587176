import ArgumentParser

/// Options every command that touches the database or Graph accepts.
///
/// Each option also has an environment variable and a `metasync.toml` key; the precedence is
/// flag, then environment, then file, then the default (see ``MetaSyncSettings``).
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "Database URL: sqlite://PATH or postgres://USER:PASS@HOST:PORT/DB. Env METASYNC_DATABASE_URL.",
            valueName: "url"
        )
    )
    var databaseURL: String?

    @Option(
        name: .customLong("graph-url"),
        help: ArgumentHelp("Graph API base URL. Env METASYNC_GRAPH_URL. Default https://graph.facebook.com.", valueName: "url")
    )
    var graphURL: String?

    @Option(
        name: .customLong("graph-version"),
        help: ArgumentHelp("Graph API version, e.g. v25.0. Env METASYNC_GRAPH_VERSION.", valueName: "version")
    )
    var graphVersion: String?

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("A TOML settings file. Env METASYNC_CONFIG. Default ./metasync.toml when it exists.", valueName: "path")
    )
    var configFile: String?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical. Env METASYNC_LOG_LEVEL. Default info.", valueName: "level")
    )
    var logLevel: String?

    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp("text, json, or auto (text on a terminal, JSON otherwise). Env METASYNC_LOG_FORMAT.", valueName: "format")
    )
    var logFormat: String?

    @Option(
        name: .customLong("attribution-windows"),
        help: ArgumentHelp(
            "Insights attribution windows, comma-separated (1d_click, 7d_click, 28d_click, 1d_view, 1d_ev, dda). "
                + "Env METASYNC_SYNC_ATTRIBUTION_WINDOWS. Default 1d_click,7d_click,28d_click,1d_view.",
            valueName: "windows"
        )
    )
    var attributionWindows: String?

    @Option(
        name: .customLong("primary-conversion"),
        help: ArgumentHelp(
            "The conversion behind CPA and ROAS in the API and dashboard: purchase or lead. Env METASYNC_SYNC_PRIMARY_CONVERSION.",
            valueName: "conversion"
        )
    )
    var primaryConversion: String?
}

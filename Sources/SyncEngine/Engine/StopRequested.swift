/// Thrown between pages when a ``SyncStopSignal`` was raised; the account's run ends as `cancelled`.
struct StopRequested: Error, Sendable {}

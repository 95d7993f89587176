import Foundation
import Logging
import MetaStore
import Recommendations
import SyncEngine

/// Builds the recommendation engine from the settings and runs it after syncs.
enum RecommendationRuntime {
    /// The engine over `store` with the configured thresholds, attribution window and primary conversion.
    static func engine(_ settings: MetaSyncSettings, store: MetaStore, logger: Logger) -> RecommendationEngine {
        RecommendationEngine(
            store: store,
            policy: settings.recommendationPolicy,
            options: RecommendationEngine.Options(attributionWindow: settings.recommendationsWindow, primaryConversion: settings.primaryConversion),
            logger: logger
        )
    }

    /// The scheduled sync of `metasync serve`, evaluating recommendations after each sync.
    static func syncLoop(engine: SyncEngine, interval: Duration, settings: MetaSyncSettings) -> SyncLoopService {
        SyncLoopService(
            engine: engine,
            request: SyncRequest(),
            interval: interval,
            logger: Logger(label: "metasync.sync.loop"),
            afterSync: { report in
                await Self.afterSync(settings, store: engine.store, report: report, logger: Logger(label: "metasync.recommendations"))
            }
        )
    }

    /// Sends the evaluation's new high-severity rows to the notification webhook (failures logged without the URL).
    static func notify(_ notifier: RecommendationNotifier?, _ evaluation: RecommendationEngine.Evaluation, logger: Logger) async {
        guard let notifier, !evaluation.newRows.isEmpty else { return }
        do {
            try await notifier.notify(accountID: evaluation.accountID, rows: evaluation.newRows)
        } catch {
            logger.warning("Recommendation notification not delivered", metadata: ["account_id": "\(evaluation.accountID)", "error": "\(error)"])
        }
    }

    /// Evaluates the accounts a sync wrote (when `recommendations.after_sync` is on); failures are logged, never thrown,
    /// so a recommendation problem never fails a sync.
    static func afterSync(_ settings: MetaSyncSettings, store: MetaStore, report: SyncReport, logger: Logger) async {
        guard settings.recommendationsAfterSync else { return }
        let engine = Self.engine(settings, store: store, logger: logger)
        let notifier = settings.recommendationsNotifyURL.flatMap { try? RecommendationNotifier(url: $0) }
        for account in report.accounts where account.outcome != .failed {
            do {
                let evaluation = try await engine.evaluate(accountID: account.accountID)
                await Self.notify(notifier, evaluation, logger: logger)
                if evaluation.inserted > 0 {
                    logger.info(
                        "New recommendations",
                        metadata: ["account_id": "\(evaluation.accountID)", "new": "\(evaluation.inserted)", "open": "\(evaluation.open.count)"]
                    )
                }
            } catch {
                logger.warning("Recommendations not evaluated", metadata: ["account_id": "\(account.accountID)", "error": "\(error)"])
            }
        }
    }
}

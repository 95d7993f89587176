import Synchronization

/// Waits for work at most a given time.
enum Deadline {
    /// The work did not finish in time.
    struct Exceeded: Error, CustomStringConvertible {
        let timeout: Duration
        var description: String { "no answer within \(self.timeout.components.seconds) s" }
    }

    /// Runs `body` in a task of its own and returns its result, or throws ``Exceeded`` once `timeout` passed. The late
    /// work is cancelled but not awaited: a SQLite statement waiting for the connection cannot be interrupted, and
    /// the caller must answer anyway.
    static func run<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let once = ResumeOnce(continuation)
            let work = Task { once.resume(with: await Result(catching: body)) }
            Task {
                try? await Task.sleep(for: timeout)
                if once.resume(with: .failure(Exceeded(timeout: timeout))) { work.cancel() }
            }
        }
    }

    /// Resumes a continuation once: the first of the work and the timer wins.
    private final class ResumeOnce<T: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<T, any Error>?>

        init(_ continuation: CheckedContinuation<T, any Error>) {
            self.continuation = Mutex(continuation)
        }

        /// Resumes with `result` unless resumed before; returns whether it did.
        @discardableResult
        func resume(with result: Result<T, any Error>) -> Bool {
            let continuation = self.continuation.withLock { state in
                defer { state = nil }
                return state
            }
            continuation?.resume(with: result)
            return continuation != nil
        }
    }
}

extension Result where Failure == any Error {
    /// The result of `body`: its value or the error it threw.
    fileprivate init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

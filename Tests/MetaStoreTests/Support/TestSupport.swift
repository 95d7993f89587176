// Every file of this test target sees the shared test support (throwaway databases, clocks, captured logs, …).
@_exported import MetaSyncTestSupport

/// Fixed instants, so tests never read the clock (`T.t0`, `T.at(seconds)`).
typealias T = TestTime

// Every file of this test target sees the shared test support (throwaway databases, clocks, captured logs, …).
@_exported import MetaSyncTestSupport

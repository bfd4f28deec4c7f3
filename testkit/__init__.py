"""Helpers that the tests and the benchmarks share: a fake Slack Web API, and ways to fill
a database with due deliveries and count what was posted. Nothing here is a test module,
so `bench/` may import it without pytest."""

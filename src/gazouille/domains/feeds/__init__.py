"""Materialized home feeds: fan-out on write for ordinary authors, merge at read time for
authors with very many followers (the hybrid Twitter described). See docs/performance.md."""

"""Benchmarks at community scale: a deterministic dataset generator and the scenarios that
``make bench`` runs against a live server (see docs/performance.md)."""

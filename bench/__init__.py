"""Benchmarks: a synthetic corpus generator, indexing throughput and query latency (see bench/README.md).

Not tests: run them by hand (`python -m bench.indexing`, `python -m bench.latency`).
"""

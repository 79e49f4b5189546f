"""Benchmarks: each scenario's throughput as a ratio to /healthz measured in the same run."""

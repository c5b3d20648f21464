"""Benchmarks of cxgraph on a generated reference enterprise (`python -m benchmarks`)."""

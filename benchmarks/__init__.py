"""Benchmarks of the registry at national scale (10,000 to 100,000 projects)."""

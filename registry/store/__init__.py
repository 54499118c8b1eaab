"""registry.db: built from the reviewed CSVs, and read (projects, facets, map grid, targets)."""

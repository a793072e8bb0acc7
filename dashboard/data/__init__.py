"""Data access, the only layer that touches files and DuckDB: the month-partitioned
Parquet store, the SQL runner over queries/ (and the macros it installs), the connection,
and the rollups (rollup/)."""

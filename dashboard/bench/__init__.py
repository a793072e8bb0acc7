"""`chi bench`: timings of the rollup build, every page's queries and the first render.
Outside the product's import path: only dashboard/commands/bench.py imports it."""

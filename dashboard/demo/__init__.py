"""The deterministic synthetic demo data set with planted effects (docs/DEMO.md)."""

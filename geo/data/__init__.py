"""Data files of the geo package (tables, thresholds, synthetic-fleet parameters)."""

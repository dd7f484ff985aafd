"""The stream-processing core, in wings that import only downwards: runtime → theater → fusion → ingest → wire.

See docs/architecture.md for the map of wings.
"""

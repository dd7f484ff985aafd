"""Ingest: one source partition's messages decoded, normalised, de-duplicated and turned into signals.

The wing's face is its step (`streams.ingest.core`): `step(partition, raw, offset, ctx) -> (partition, routed)`.
"""

from streams.ingest.core import IngestContext, IngestPartition, Routed, advance, metrics_text, step, tick, total

__all__ = ["IngestContext", "IngestPartition", "Routed", "advance", "metrics_text", "step", "tick", "total"]

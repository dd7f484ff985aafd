"""`/metrics`: the runtime's ingest counts and the feed's state in the Prometheus text format (version 0.0.4).

The runtime gives its own series (received, accepted, rejected per source partition, dead letters); the API adds
what only it knows: the feed's sequence, clients, resyncs and snapshots. No token is needed, as for /health: the
figures are counts, never content, and the API binds to 127.0.0.1 unless configured otherwise.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Response

from dashboard_api.context import ApiContext

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: feed statistics published as metrics: name in hub.stats() → (metric, type, help)
_FEED_SERIES: tuple[tuple[str, str, str, str], ...] = (
    ("seq", "ebrain_feed_seq", "gauge", "Sequence number of the last delta applied to the picture."),
    ("clients", "ebrain_feed_clients", "gauge", "Websocket clients connected to the feed."),
    ("deepest_queue", "ebrain_feed_deepest_queue", "gauge", "Longest queue of deltas waiting for one client."),
    ("published", "ebrain_feed_published_total", "counter", "Deltas published to the feed."),
    ("resyncs", "ebrain_feed_resyncs_total", "counter", "Slow clients resynchronised with a fresh snapshot."),
    ("snapshots_sent", "ebrain_feed_snapshots_sent_total", "counter", "Snapshots sent to clients."),
    ("resumes", "ebrain_feed_resumes_total", "counter", "Reconnections served with exactly the missed deltas."),
    ("gaps", "ebrain_feed_gaps_total", "counter", "Deltas that arrived after a gap in the sequence."),
)


def feed_metrics(stats: dict[str, Any]) -> str:
    lines: list[str] = []
    for key, metric, kind, text in _FEED_SERIES:
        lines += [f"# HELP {metric} {text}", f"# TYPE {metric} {kind}", f"{metric} {int(stats.get(key, 0))}"]
    return "\n".join(lines) + "\n"


def add_metrics_route(app: FastAPI, ctx: ApiContext) -> None:
    @app.get("/metrics", summary="Ingest counts and feed state, Prometheus text format (no token needed)")
    async def metrics() -> Response:
        runtime = ctx.metrics() if ctx.metrics is not None else ""
        return Response(runtime + feed_metrics(ctx.hub.stats()), media_type=CONTENT_TYPE)

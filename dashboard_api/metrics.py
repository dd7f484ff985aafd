"""`/metrics`: the runtime's ingest counts, the feed's state and its latencies, through prometheus_client.

The runtime gives its own series (received, accepted, rejected per source partition, dead letters) as text;
the API adds what only it knows, from a registry of its own (no process-wide default registry): the feed's
sequence, clients, resyncs and snapshots, and two latency histograms:

- `ebrain_feed_publish_seconds`: the API's stage of the pipeline, from a core delta handed to the hub to its
  messages queued for every client (apply to the picture, say it in words, scope and encode per view);
- `ebrain_feed_delivery_seconds`: from a message queued for a client to its frame written to that client's
  socket (the fan-out delay a command centre sees on top of the pipeline).

No token is needed, as for /health: the figures are counts and times, never content, and the API binds to
127.0.0.1 unless configured otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from dashboard_api.context import ApiContext

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Seconds: the feed's budget is half a second at the 99th percentile (docs/performance.md).
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

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


class FeedCollector(Collector):
    """The hub's statistics, read when /metrics is asked."""

    def __init__(self, stats: Callable[[], dict[str, Any]]) -> None:
        self.stats = stats

    def collect(self) -> Iterator[Metric]:
        stats = self.stats()
        for key, name, kind, text in _FEED_SERIES:
            family = CounterMetricFamily(name, text) if kind == "counter" else GaugeMetricFamily(name, text)
            family.add_metric([], int(stats.get(key, 0)))
            yield family


class FeedTimings:
    """The two latency histograms of the feed, in a registry of their own."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.publish = Histogram(
            "ebrain_feed_publish_seconds",
            "From a core delta handed to the hub to its messages queued for every client.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.delivery = Histogram(
            "ebrain_feed_delivery_seconds",
            "From a message queued for a client to its frame written to the client's socket.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )


def feed_metrics(stats: dict[str, Any]) -> str:
    """The feed's statistics alone, as Prometheus text."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FeedCollector(lambda: stats))
    return generate_latest(registry).decode()


def add_metrics_route(app: FastAPI, ctx: ApiContext) -> None:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FeedCollector(ctx.hub.stats))
    ctx.hub.timings = FeedTimings(registry)

    @app.get("/metrics", summary="Ingest counts, feed state and feed latencies, Prometheus text (no token needed)")
    async def metrics() -> Response:
        runtime = ctx.metrics() if ctx.metrics is not None else ""
        return Response(runtime + generate_latest(registry).decode(), media_type=CONTENT_TYPE)

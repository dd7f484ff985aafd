"""/metrics: the runtime's ingest series and the feed's state, in the Prometheus text format, without a token."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from dashboard_api import AccessPolicy, FeedHub, Picture, create_app
from dashboard_api.metrics import CONTENT_TYPE, feed_metrics
from ebrain.compose import Core, embedded_runtime
from streams.wire import contract, topics


class NoCommands:
    async def submit(self, command: contract.Command) -> None:
        raise AssertionError("no command expected")


def samples(text: str) -> dict[str, float]:
    """Series name with its labels → value, as a Prometheus server would read the text."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            out[sample.name + (f"{{{labels}}}" if labels else "")] = sample.value
    return out


def test_feed_metrics_are_one_series_per_statistic() -> None:
    text = feed_metrics({"seq": 7, "clients": 3, "published": 9, "resyncs": 1})
    series = samples(text)
    assert series["ebrain_feed_seq"] == 7 and series["ebrain_feed_clients"] == 3
    assert "# TYPE ebrain_feed_published_total counter" in text and series["ebrain_feed_resyncs_total"] == 1
    assert series["ebrain_feed_gaps_total"] == 0  # a statistic the hub does not report yet counts as 0


def test_metrics_of_the_embedded_runtime_reconcile_received_with_accepted_and_rejected(core: Core) -> None:
    runtime = embedded_runtime(core)

    async def feed() -> None:
        await runtime.start()
        await runtime.produce(topics.INGEST_HOTLINE.name, "o-1", b"{not json")
        await runtime.drain()
        await runtime.stop()

    asyncio.run(feed())
    picture = Picture()
    app = create_app(
        picture=picture,
        hub=FeedHub(picture),
        regions=core.regions,
        commands=NoCommands(),
        access=AccessPolicy.demo(),
        counts=runtime.counts,
        metrics=runtime.metrics_text,
    )
    response = TestClient(app).get("/metrics")  # no token: counts only, never content
    assert response.status_code == 200 and response.headers["content-type"] == CONTENT_TYPE
    series = samples(response.text)
    hotline = '{partition="%s",topic="ingest.hotline"}'
    received = sum(series.get("ebrain_ingest_received_total" + hotline % p, 0) for p in range(2))
    accepted = sum(series.get("ebrain_ingest_accepted_total" + hotline % p, 0) for p in range(2))
    rejected = sum(series.get("ebrain_ingest_rejected_total" + hotline % p, 0) for p in range(2))
    assert (received, accepted, rejected) == (1, 0, 1)
    assert series["ebrain_dead_letters_total"] == 1 and series["ebrain_feed_seq"] == 0
    # the feed's latency histograms are there, empty until a client is served
    assert series["ebrain_feed_publish_seconds_count"] == 0 and series["ebrain_feed_delivery_seconds_count"] == 0

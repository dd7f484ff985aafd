"""The one composition root: builds indexes, rules, fleet and runtimes from settings and passes them down."""

from __future__ import annotations

from dataclasses import dataclass

from ebrain.settings import Settings
from geo.coverage import ReadinessData, Site
from geo.dispatch import DispatchPolicy
from geo.fleet import FleetState, generate_fleet, load_capabilities
from geo.gazetteer import Gazetteer
from geo.regions import RegionIndex
from geo.roads import RoadGraph
from playbooks.model import load_playbooks
from playbooks.places import Facility, PlaybookPlaces
from streams import ingest, theater
from streams.fusion import fuse
from streams.ingest import detect
from streams.ingest.normalize import NormalizeContext
from streams.ingest.understand import CallReader
from streams.runtime.embedded import EmbeddedRuntime
from streams.runtime.kafka_auth import KafkaCredentials
from streams.theater.watermark import WatermarkPolicy
from streams.wire import topics
from streams.wire.tick_signature import TickKey
from streams.words import Words


@dataclass(frozen=True)
class Core:
    """Everything the steps read: built once per process."""

    settings: Settings
    regions: RegionIndex
    ingest: ingest.IngestContext
    theater: theater.TheaterContext
    initial_fleet: FleetState
    words: Words  # the operator language: phrasebook, place names, the playbooks' titles

    @property
    def facilities(self) -> dict[str, tuple[Facility, ...]]:
        """Sites the playbooks know (chemical plants, underpasses, ...): the command-centre map's layers."""
        places = next((b.places for b in self.theater.playbooks.values() if b.places is not None), None)
        return dict(places.facilities) if places is not None else {}


def normalize_context(settings: Settings) -> NormalizeContext:
    """The regions, gazetteer and call reader the ingest step reads; built once and handed to `build_core` by a
    command that checks a scenario first, so the check and the run share one gazetteer and its memo."""
    regions = RegionIndex.load(settings.boundaries)
    return NormalizeContext(regions=regions, gazetteer=Gazetteer.from_regions(regions), topics=CallReader.load())


def build_core(
    settings: Settings,
    fleet_seed: int | None = None,
    fleet_scale: float | None = None,
    normalize: NormalizeContext | None = None,
) -> Core:
    normalize_ctx = normalize if normalize is not None else normalize_context(settings)
    regions = normalize_ctx.regions
    capabilities = load_capabilities()
    places = PlaybookPlaces.load(regions)
    playbooks = load_playbooks(settings.playbook_dir, frozenset(capabilities.capabilities), places)
    # the hazard register: every registered site by class (readiness reads the classes a warning threatens)
    sites = tuple(Site(f.cls, f.name, f.adcode, f.lon, f.lat) for group in places.facilities.values() for f in group)
    responders = generate_fleet(
        regions,
        seed=settings.fleet_seed if fleet_seed is None else fleet_seed,
        scale=settings.fleet_scale if fleet_scale is None else fleet_scale,
    )
    theater_ctx = theater.TheaterContext(
        theater=settings.theater,
        regions=regions,
        roads=RoadGraph.surrogate(regions),
        fusion=fuse.FusionRules.load(),
        playbooks=playbooks,
        dispatch_policy=DispatchPolicy.load(),
        tick_sources=topics.tick_sources(),
        watermark=WatermarkPolicy(
            idle_after_ms=None if settings.idle_after_s is None else round(settings.idle_after_s * 1000),
            lateness_ms=round(settings.lateness_s * 1000),
        ),
        exercise=settings.exercise,
        readiness=ReadinessData.load(sites),
    )
    return Core(
        settings=settings,
        regions=regions,
        ingest=ingest.IngestContext(
            normalize=normalize_ctx, thresholds=detect.Thresholds.load(), tick_key=tick_key(settings)
        ),
        theater=theater_ctx,
        initial_fleet=FleetState.initial(responders, capabilities.capabilities),
        words=Words.build(regions, playbooks),
    )


def kafka_credentials(settings: Settings) -> KafkaCredentials | None:
    """This process's credentials on a closed broker (None: an open broker); the file is read here, once."""
    path = settings.kafka_credentials
    return KafkaCredentials.from_file(path) if path is not None else None


def tick_key(settings: Settings) -> TickKey | None:
    """The clock's key that signs ticks (None: ticks are taken unsigned, as replays and the open broker run)."""
    path = settings.tick_key
    return TickKey.from_file(path) if path is not None else None


def embedded_runtime(core: Core) -> EmbeddedRuntime:
    return EmbeddedRuntime(
        ingest_ctx=core.ingest,
        theater_ctx=core.theater,
        theater_state=theater.TheaterState(fleet=core.initial_fleet),
        queue_size=core.settings.queue_size,
    )

"""The command-centre API: REST, the websocket feed, token scoping and the offline web page.

Build `Picture` → `FeedHub(picture)` → `create_app(picture=…, hub=…, …)`; the runtime calls `hub.publish(delta)`.
"""

from dashboard_api.access import AccessPolicy, SharingPolicy, Viewer
from dashboard_api.app import create_app
from dashboard_api.commands import CommandSink, ReplayControl
from dashboard_api.deltas import DeltaError, delta_from_json, encode_delta
from dashboard_api.feed import FeedHub
from dashboard_api.picture import Picture

__all__ = [
    "AccessPolicy",
    "CommandSink",
    "DeltaError",
    "FeedHub",
    "Picture",
    "ReplayControl",
    "SharingPolicy",
    "Viewer",
    "create_app",
    "delta_from_json",
    "encode_delta",
]

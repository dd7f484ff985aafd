"""geo: the theater's regions (real boundaries), a synthetic responder fleet, the road graph, dispatch and
mutual aid. Imports nothing else of ours. See docs/geo.md."""

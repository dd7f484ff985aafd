"""The wire: the published contract, bytes ↔ messages, records between stages, the topic map, event-time format."""

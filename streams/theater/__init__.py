"""The theater: one incident picture for a group of neighbouring regions, moved by a pure step.

The wing's face is its step (`streams.theater.core`): inputs in event-time order → fusion → playbook lifecycle →
dispatch → numbered deltas. The other modules are the step's handlers, its state and its durable form.
"""

from streams.theater.core import Delta, TheaterContext, TheaterState, step

__all__ = ["Delta", "TheaterContext", "TheaterState", "step"]

"""The operator language: everything the brain says to people, in plain Chinese with English.

`Words` renders the feed's deltas, decisions, notifications, rejections and entity labels from a phrasebook in
data (`streams/data/phrases.yaml`), place names from the boundary data, and rule and timer titles from the
playbooks. The command-centre API and the after-action report both speak through it. Build it once with
`Words.build(regions, playbooks)` and pass it down.
"""

from streams.words.clock import clock, clock_and_relative, relative, span
from streams.words.phrasebook import Phrasebook
from streams.words.places import PlaceNames
from streams.words.render import LANGS, Lookup, MappingLookup, NoLookup, Said, Words

__all__ = [
    "LANGS",
    "Lookup",
    "MappingLookup",
    "NoLookup",
    "Phrasebook",
    "PlaceNames",
    "Said",
    "Words",
    "clock",
    "clock_and_relative",
    "relative",
    "span",
]

"""The one YAML loader: a file is validated whole, and every error it has is reported at once with its line."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pydantic
import pytest

from geo.datafiles import LoadError, StrictModel, load_yaml_model


class _Depot(StrictModel):
    id: str
    kind: Literal["depot", "shelter"]
    places: int = pydantic.Field(default=0, ge=0)


class _DepotFile(StrictModel):
    depots: list[_Depot]


THREE_ERRORS = """\
depots:
  - id: d1
    kind: depott
    places: 10
  - id: d2
    kind: shelter
    places: -5
  - id: d3
    kind: depot
    place: 3
"""


def test_a_file_with_three_errors_gets_three_each_with_its_line_and_a_did_you_mean() -> None:
    with pytest.raises(LoadError) as caught:
        load_yaml_model(_DepotFile, Path("depots.yaml"), text=THREE_ERRORS)
    said = str(caught.value).splitlines()
    assert len(said) == 3, said
    assert said[0].startswith("depots.yaml:3: depots.0.kind: ") and said[0].endswith("did you mean 'depot'?")
    assert said[1].startswith("depots.yaml:7: depots.1.places: Input should be greater than or equal to 0")
    assert said[2].startswith("depots.yaml:10: depots.2.place") and "did you mean 'places'?" in said[2]
    assert (caught.value.line, len(caught.value.more)) == (3, 2)


def test_a_file_that_is_not_yaml_names_its_line() -> None:
    with pytest.raises(LoadError) as caught:
        load_yaml_model(_DepotFile, Path("depots.yaml"), text="depots:\n  - id: d1\n   kind: [depot\n")
    assert caught.value.line == 3 and "not valid YAML" in caught.value.message

"""Names of the theater's places for people, in Chinese and English: never an adcode on screen.

Chinese names are the boundary data's; English ones follow the official form for the provinces and
municipalities and Hanyu Pinyin for counties and prefecture cities (`streams/data/place_names_en.yaml` holds
the suffixes and the readings a transliteration gets wrong). Gazetteer places below county level are
transliterated the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pypinyin import lazy_pinyin

from geo.datafiles import StrictModel, load_yaml_model
from geo.regions import PROVINCES, RegionIndex

DATA = Path(str(resources.files("streams"))) / "data" / "place_names_en.yaml"
_VOWEL_START = ("a", "o", "e")


class PlaceNamesFile(StrictModel):
    provinces: dict[str, str]
    suffixes: dict[str, str]
    readings: dict[str, str]


@dataclass(frozen=True)
class Place:
    """One place's names: `zh`/`en` in full, `short_zh`/`short_en` for map labels."""

    zh: str
    en: str
    short_zh: str
    short_en: str


def pinyin(text: str, readings: dict[str, str] | None = None) -> str:
    """Hanyu Pinyin of a Chinese name, capitalised, syllables joined (an apostrophe where one is needed)."""
    if readings and text in readings:
        return readings[text]
    syllables = lazy_pinyin(text)
    out = ""
    for syllable in syllables:
        if out and syllable[:1] in _VOWEL_START and out[-1].isalpha():
            out += "'"
        out += syllable
    return out[:1].upper() + out[1:]


class PlaceNames:
    """Names of provinces and county-level units by adcode, and of prefecture cities by name."""

    def __init__(self, regions: RegionIndex, path: Path = DATA) -> None:
        spec = load_yaml_model(PlaceNamesFile, path)
        self._readings = dict(spec.readings)
        self._suffixes = sorted(spec.suffixes.items(), key=lambda kv: -len(kv[0]))
        self._places: dict[str, Place] = {}
        for code, zh in PROVINCES.items():
            en = spec.provinces[code]
            self._places[code] = Place(zh, en, zh.removesuffix("市").removesuffix("省"), en)
        provinces_en = set(spec.provinces.values())
        for unit in regions.units:
            stem, en = self._county(unit.name)
            short = unit.name if len(unit.name) <= 3 else unit.short_name
            short_en = pinyin(stem, self._readings)
            if short_en in provinces_en:  # 河北区 in Tianjin is not Hebei: its short name keeps "District"
                short_en = en
            self._places[unit.adcode] = Place(unit.name, en, short, short_en)
        for unit in regions.units:  # prefecture cities (the level above a Hebei county)
            if unit.city_adcode not in self._places:
                stem = unit.city_name.removesuffix("市")
                en = pinyin(stem, self._readings)
                self._places[unit.city_adcode] = Place(unit.city_name, en, unit.city_name, en)
        self._regions = regions
        self._province_of = {u.adcode: u.province_adcode for u in regions.units}

    def _county(self, name: str) -> tuple[str, str]:
        for suffix, form in self._suffixes:
            if name.endswith(suffix) and len(name) > len(suffix):
                stem = name[: -len(suffix)]
                return stem, form.format(name=pinyin(stem, self._readings))
        return name, pinyin(name, self._readings)

    def known(self, adcode: str) -> bool:
        return adcode in self._places

    def place(self, adcode: str) -> Place | None:
        return self._places.get(adcode)

    def name(self, adcode: str, lang: str, short: bool = False) -> str | None:
        place = self._places.get(adcode)
        if place is None:
            return None
        if lang == "zh":
            return place.short_zh if short else place.zh
        return place.short_en if short else place.en

    def province_of(self, adcode: str) -> str | None:
        return adcode if adcode in PROVINCES else self._province_of.get(adcode)

    def locate(self, lon: object, lat: object) -> str | None:
        """The county-level unit a point lies in, if any."""
        if not isinstance(lon, int | float) or not isinstance(lat, int | float):
            return None
        unit = self._regions.locate(float(lon), float(lat))
        return None if unit is None else unit.adcode

    def local_name(self, text: str, lang: str) -> str:
        """A gazetteer place (小张各庄) as it reads in `lang`."""
        return text if lang == "zh" else _transliterate(text)


@cache
def _transliterate(text: str) -> str:
    return pinyin(text)

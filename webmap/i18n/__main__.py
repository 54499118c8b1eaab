"""`python -m webmap.i18n update|check`: see webmap/i18n/catalog.py."""
from __future__ import annotations

import sys

from webmap.i18n import catalog


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "update":
        untranslated = catalog.update()
        print(f"wrote {catalog.PO} and {catalog.MO.name}")
    elif command == "check":
        untranslated = catalog.missing(catalog.merged())
    else:
        print("usage: python -m webmap.i18n update|check", file=sys.stderr)
        return 2
    for line in untranslated:
        print(f"untranslated: {line}", file=sys.stderr)
    return 1 if untranslated else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Quote a benchmark's last output in the README or the manual (a cog block), so that no figure there is typed
by hand: `python -m benchmarks` writes benchmarks/results/NAME.md, then runs cog, which calls

    from benchmarks import quote
    cog.outl(quote.table("slow_clients"))

and the page shows the table that run printed, under a line saying which command made it, when, and under
what load average (the machine is shared: a figure taken under load is an upper bound).
"""
from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def table(name: str, prefix: str = "") -> str:
    """The Markdown table(s) of the last `python -m benchmarks --only NAME`, with where it came from; `prefix`
    leads the link to the results file from the quoting page (`../../` from docs/manual/)."""
    path = RESULTS / f"{name}.md"
    if not path.is_file():
        return f"(no result yet: run `python -m benchmarks --only {name}`)"
    text = path.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    ran = re.search(r"at (\d{4}-\d\d-\d\d \d\d:\d\d UTC) on tree (\w+).*?load average ([\d.]+) before", text)
    source = (f"`python -m benchmarks --only {name}`, {ran.group(1)}, tree {ran.group(2)}, load average "
              f"{ran.group(3)} on 2 CPUs" if ran else f"`python -m benchmarks --only {name}`")
    return "\n".join(rows) + f"\n\n({source}; the whole output: [benchmarks/results/{name}.md]" + \
        f"({prefix}benchmarks/results/{name}.md))"

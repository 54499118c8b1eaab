"""How fast and in how much memory `registry add-plan` refuses what it must not read (issue 22, part 4).

    python benchmarks/add_plan_limits.py [--runs 3] [--timeout 60]

Three inputs, each added to a fresh empty registry by the real command in a child process: a 200 MB
text (sparse, so it is made in no time), a DOCX whose document.xml inflates to 1 GB, and a local HTTP
server that sends its body a byte a second with --timeout at its default (60 s). Printed: the
median wall time and the peak resident memory of the child (os.wait4, its own rusage), the error line,
and the 1-minute load average before and after (the machine is shared).
"""
from __future__ import annotations

import argparse
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import in_thread  # noqa: E402


class _Trickle(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        try:
            for byte in "某市碳达峰实施方案".encode("utf-8") * 100_000:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    def log_message(self, *args):
        pass


def _inputs(folder: Path) -> dict[str, str]:
    big = folder / "big.txt"
    with open(big, "wb") as handle:
        handle.write("某市碳达峰实施方案\n".encode("utf-8"))
        handle.truncate(200_000_000)
    bomb = folder / "bomb.docx"
    paragraph = b"<w:p><w:r><w:t>" + "碳达峰实施方案".encode("utf-8") * 300 + b"</w:t></w:r></w:p>"
    chunk = paragraph * ((1 << 20) // len(paragraph))
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(1_000_000_000 // len(chunk)):
                member.write(chunk)
    return {"200 MB text": str(big), f"DOCX bomb ({bomb.stat().st_size / 1e6:.1f} MB, inflates to 1 GB)": str(bomb)}


def _add_plan(root: Path, source: str, *options: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen([sys.executable, "-m", "registry.cli", "--root", str(root), "add-plan", source, *options],
                                 stdout=subprocess.DEVNULL, stderr=errors, cwd=ROOT)
        _, _, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        errors.seek(0)
        return seconds, usage.ru_maxrss // 1024, errors.read().decode("utf-8", "replace").strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=None, help="add-plan's --timeout for the URL (default: its own)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    with in_thread(server), tempfile.TemporaryDirectory() as work:
        work = Path(work)
        sources = _inputs(work)
        sources["URL sending a byte a second"] = f"http://127.0.0.1:{server.server_port}/plan.txt"
        subprocess.run([sys.executable, "-m", "registry.cli", "init", str(work / "empty")], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        print("| input | median wall s | peak RSS MB | error line |\n|---|---:|---:|---|")
        for label, source in sources.items():
            options = ["--timeout", f"{args.timeout:g}"] if args.timeout and source.startswith("http") else []
            results = []
            for run in range(args.runs):
                root = work / f"run{run}"
                shutil.copytree(work / "empty", root)
                results.append(_add_plan(root, source, *options))
                shutil.rmtree(root)
            line = results[-1][2].replace(str(work), "…")
            print(f"| {label} | {statistics.median(r[0] for r in results):.2f} | {max(r[1] for r in results)} | `{line}` |")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""Every screenshot the README and the manual show, made again in one command, offline:

    python docs/screenshots.py              # all of them, into docs/manual/img/
    python docs/screenshots.py --only plan-page --out /tmp/shots

It builds the shipped registry into a temporary folder, serves it on 127.0.0.1 (a real HTTP server,
as the browser tests do), and shoots each page in Debian's headless Chromium at 1440×900 and at
390×844 (a phone: touch, mobile viewport), with every request to another host refused, so a page that
needs the internet shows it. The review page is shot on a registry of its own, made from the example
plan `docs/example/hongan_plan.txt` by `registry init` and `registry add-plan`. A page that logs a
JavaScript error or asks for another host makes the command fail, naming it.

The tests never write these files; run this after a change to what a page looks like, look at the
pictures, and commit them. It needs the `test` extra (Playwright) and /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for benchmarks.servers, run as `python docs/screenshots.py`

from benchmarks.servers import serving  # noqa: E402

IMG = ROOT / "docs" / "manual" / "img"
CHROMIUM = "/usr/bin/chromium"
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}
MAP_READY = ("() => !document.body.dataset.mapState || ['ready', 'error'].includes(document.body.dataset.mapState)")
REVIEW_DOC = "hongan_421122"
# Words selected as a reviewer would to add them: on the desktop a passage the extractor left out of the
# example plan (the add form filled by the parsers), on the phone a candidate (the form says it would repeat it).
REVIEW_SELECTION = {"": "觅儿寺镇𠮷祥村集中式光伏和储能示范", "-phone": "红安县城关镇生活垃圾焚烧发电项目"}

# name (the file is NAME.png at 1440×900 and NAME-phone.png at 390×844, except the map's historical
# names), the app ("map" or "review"), the path
SHOTS = [
    ("screenshot", "map", "/"),
    ("map-en", "map", "/?lang=en"),
    ("projects", "map", "/projects"),
    ("project-page", "map", "/projects/xiaogan-001"),
    ("basemap", "map", "/?province=湖北省"),
    ("plan-page", "map", "/plans/xiaogan_420900"),
    ("targets-page", "map", "/targets?indicator=non_fossil_share&year=2025"),
    ("about", "map", "/about"),
    ("review-page", "review", "/"),
]

SELECT = """(words) => {
    const walker = document.createTreeWalker(document.getElementById('plan-text'), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(words);
        if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            node.parentNode.scrollIntoView({block: 'center'});
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            return at;
        }
    }
    return -1;
}"""


def run_cli(*args: str) -> None:
    from click.testing import CliRunner

    from registry.cli import cli

    result = CliRunner().invoke(cli, list(args))
    if result.exit_code:
        sys.exit(f"registry {' '.join(args)} failed:\n{result.output}")


def make_apps(work: Path) -> dict:
    from registry.intake.webreview import create_review_app
    from webmap import create_app

    db = work / "registry.db"
    run_cli("--root", str(ROOT), "build", "--db", str(db))
    review_root = work / "review"
    run_cli("init", str(review_root))
    run_cli("--root", str(review_root), "add-plan", str(ROOT / "docs" / "example" / "hongan_plan.txt"),
            "--doc-id", REVIEW_DOC)
    return {"map": create_app({"REGISTRY_DB": str(db), "REGISTRY_TILES": "none"}),
            "review": create_review_app(review_root, REVIEW_DOC)}


def shoot(browser, base: str, name: str, app_name: str, path: str, out: Path) -> list[str]:
    problems = []
    for suffix, viewport in (("", DESKTOP), ("-phone", PHONE)):
        phone = viewport is PHONE
        context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=phone, has_touch=phone,
                                      device_scale_factor=1)
        outside: list[str] = []
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                      else (outside.append(route.request.url), route.abort()))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + path, wait_until="load")
        page.wait_for_function(MAP_READY, timeout=30_000)
        # The basemap draws its view after the projects (static/basemap.js): the picture waits for it too.
        page.evaluate("() => window.registryBasemap ? window.registryBasemap.ready().then(() => true) : true")
        if app_name == "review" and page.evaluate(SELECT, REVIEW_SELECTION[suffix]) >= 0:
            page.wait_for_selector("#add.ready", timeout=10_000)
            if not phone:
                page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_load_state("networkidle")
        target = out / f"{name}{suffix}.png"
        page.screenshot(path=str(target))
        print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}  {viewport['width']}×"
              f"{viewport['height']}  {path}")
        problems += [f"{name}{suffix}: JavaScript error {e}" for e in errors]
        problems += [f"{name}{suffix}: asked for another host: {u}" for u in outside]
        context.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=IMG, help=f"folder of the PNGs (default: {IMG.relative_to(ROOT)})")
    parser.add_argument("--only", action="append", metavar="NAME", choices=[s[0] for s in SHOTS],
                        help="shoot only this one (repeat for several)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="screenshots-") as work:
        apps = make_apps(Path(work))
        with serving(apps["map"], quiet=True) as map_url, serving(apps["review"], quiet=True) as review_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                                       "--disable-component-update", "--disable-sync"])
            for name, app_name, path in SHOTS:
                if args.only and name not in args.only:
                    continue
                problems += shoot(browser, map_url if app_name == "map" else review_url, name, app_name, path, args.out)
            browser.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""A browser page that reaches only the app under test and counts the bytes it is sent, for the
benchmarks that time what a planner's browser does (benchmarks/basemap.py, targets_page.py)."""
from __future__ import annotations


def counting_page(browser, base_url: str, viewport: dict | None = None):
    """(context, page, delivered): every request off `base_url` aborted (the app must work offline);
    `delivered` collects each response's encoded bytes as the page loads."""
    context = browser.new_context(viewport=viewport or {"width": 1440, "height": 900})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    delivered: list[int] = []
    cdp.on("Network.loadingFinished", lambda event: delivered.append(event["encodedDataLength"]))
    return context, page, delivered


# What a planner sees is a painted page: the state a page sets, then two animation frames (the frame
# that draws it and the one after, when it is on the screen).
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now()))))"


def painted_at(page) -> float:
    """The page's clock (ms since navigation) once two animation frames have run after now."""
    return page.evaluate(TWO_FRAMES)

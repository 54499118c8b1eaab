"""Downloading a plan from an http(s) URL, within a size cap and one deadline for the whole download.

requests' timeout is per read: a server sending a byte every few seconds (headers or body) was never
cut off. The download runs in a daemon thread that the caller waits for until the deadline, and that
stops at its next chunk once the caller has given up. Redirects are followed here, one at a time, so
each hop is checked: only http(s), at most MAX_REDIRECTS, and never to a loopback, private or
link-local address unless the URL given was one already (a public page must not make the registry
read the intranet or the machine it runs on).
"""
from __future__ import annotations

import ipaddress
import socket
import threading
from urllib.parse import urljoin, urlparse

from registry.intake.limits import PlanLimits
from registry.intake.pdftext import NotAPlan

MAX_REDIRECTS = 10
CHUNK = 65536


class _Cancelled(Exception):
    pass


def fetch(url: str, limits: PlanLimits = PlanLimits()) -> tuple[bytes, str]:
    """The body and content type of a URL, or NotAPlan naming what went wrong."""
    outcome: dict = {}
    cancelled = threading.Event()

    def download() -> None:
        try:
            outcome["value"] = _download(url, limits, cancelled)
        except BaseException as exc:  # handed to the caller's thread, which raises it
            outcome["error"] = exc

    worker = threading.Thread(target=download, name="registry-fetch", daemon=True)
    worker.start()
    worker.join(limits.timeout)
    if worker.is_alive():
        cancelled.set()  # the worker stops at its next chunk, or when its read times out
        raise NotAPlan(f"not downloaded within {limits.timeout:g} s (the limit for the whole download; "
                       "raise it with --timeout)")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _download(url: str, limits: PlanLimits, cancelled: threading.Event) -> tuple[bytes, str]:
    import requests

    internal_allowed = _is_internal(urlparse(url).hostname or "")
    try:
        with requests.Session() as session:
            for _hop in range(MAX_REDIRECTS + 1):
                response = session.get(url, timeout=limits.timeout, stream=True, allow_redirects=False,
                                       headers={"User-Agent": "carbon-peak-registry"})
                with response:
                    if response.is_redirect:
                        url = _next_hop(url, response.headers.get("Location", ""), internal_allowed)
                        continue
                    if response.status_code != 200:
                        raise NotAPlan(f"HTTP {response.status_code} {response.reason}")
                    declared = response.headers.get("Content-Length", "")
                    if declared.isdigit():
                        limits.check_size(int(declared), "the download")
                    chunks, size = [], 0
                    for chunk in response.iter_content(CHUNK):  # decoded: a gzip bomb counts as what it inflates to
                        if cancelled.is_set():
                            raise _Cancelled()
                        size += len(chunk)
                        limits.check_size(size, "the download")
                        chunks.append(chunk)
                    return b"".join(chunks), response.headers.get("Content-Type", "")
            raise NotAPlan(f"more than {MAX_REDIRECTS} redirects")
    except requests.Timeout:
        raise NotAPlan(f"no answer within {limits.timeout:g} s") from None
    except requests.RequestException as exc:
        reason = type(exc).__name__.replace("Error", " error").strip()
        raise NotAPlan(f"cannot fetch ({reason})") from None


def _next_hop(url: str, location: str, internal_allowed: bool) -> str:
    target = urljoin(url, location)
    parsed = urlparse(target)
    if parsed.scheme not in ("http", "https"):
        raise NotAPlan(f"redirected to a {parsed.scheme or 'relative'}: URL; only http and https are followed")
    if not internal_allowed and _is_internal(parsed.hostname or ""):
        raise NotAPlan(f"redirected to {parsed.hostname}, a loopback, private or link-local address; "
                       "give that URL itself if it is really meant")
    return target


def _is_internal(host: str) -> bool:
    """Whether `host` names (or resolves to) a loopback, private, link-local or otherwise non-public address."""
    if not host:
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError, OSError):
        return False  # the request itself will say it cannot connect
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if getattr(ip, "ipv4_mapped", None):
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            return True
    return False

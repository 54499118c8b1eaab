"""`registry review --web` against DNS rebinding (issue 22, part 7), on a real server in a thread.

A page on evil.example whose name is made to resolve to 127.0.0.1 reaches the review server with
`Host: evil.example:PORT`; a form on another site posts with its own Origin. Neither may read the
page's token or change the registry folder; the page's own form, from its own origin, still works.
"""
from __future__ import annotations

import http.client
import re
from pathlib import Path

import pytest

from conftest import serving
from test_review_additions import DOC, added_plan


@pytest.fixture()
def review_server(tmp_path):
    from registry.intake.webreview import create_review_app
    from registry.rows.root import init_registry

    root = init_registry(tmp_path / "registry")
    added_plan(tmp_path, root)
    with serving(create_review_app(root, DOC)) as url:
        yield root, int(url.rsplit(":", 1)[1])


def request(port: int, method: str, host: str, body: str = "", **headers) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host, **{name.replace("_", "-"): value for name, value in headers.items()}}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, "/", body=body.encode(), headers=headers)
    response = connection.getresponse()
    answer = response.status, response.read().decode("utf-8")
    connection.close()
    return answer


def folder_state(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_a_foreign_host_gets_no_page_and_no_token(review_server):
    _root, port = review_server
    status, page = request(port, "GET", f"127.0.0.1:{port}")
    assert status == 200 and 'name="token"' in page
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", f"localhost.evil.example:{port}"):
        status, page = request(port, "GET", host)
        assert status == 403, host
        assert 'name="token"' not in page and "token" not in page.lower()
        assert f"http://127.0.0.1:{port}/" in page  # says where the page is
    for host in (f"localhost:{port}", f"LOCALHOST:{port}"):
        assert request(port, "GET", host)[0] == 200


def test_a_post_from_another_origin_is_refused_and_changes_nothing(review_server):
    root, port = review_server
    own = f"127.0.0.1:{port}"
    page = request(port, "GET", own)[1]
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    keys = re.findall(r'name="([^"|]+)\|decision"', page)
    assert keys
    # Even with the token (which a rebinding page cannot read), accepting everything and applying.
    form = "&".join([f"token={token}", "action=apply", *(f"{key}|decision=accept" for key in keys)])
    before = folder_state(root)

    status, answer = request(port, "POST", f"evil.example:{port}", form, Origin=f"http://evil.example:{port}")
    assert status == 403 and "127.0.0.1" in answer
    status, answer = request(port, "POST", own, form, Origin="http://evil.example")
    assert status == 403 and "http://evil.example" in answer and "nothing was changed" in answer
    status, _ = request(port, "POST", own, form, Origin="null")  # a sandboxed frame or a file:// page
    assert status == 403
    status, _ = request(port, "POST", own, form, Referer=f"http://evil.example:{port}/attack.html")
    assert status == 403
    assert folder_state(root) == before

    # The page's own form, from its own origin, is what still writes.
    status, _ = request(port, "POST", own, form, Origin=f"http://{own}", Referer=f"http://{own}/")
    assert status == 302
    assert folder_state(root)["projects.csv"] != before["projects.csv"]

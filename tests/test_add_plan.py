"""Adding a plan to a registry folder: add-plan (text, PDF, HTML, DOCX, URL) -> review -> build -> export.

The plans here are written by us in the plans' style. What the tests expect comes from these
texts (the project names we wrote into them), never from the code under test. The done-when
test runs the real `registry` CLI in subprocesses on a temporary registry folder; the PDF is
printed by headless Chromium with a running header and "— N —" page numbers, as published plans are.
"""
from __future__ import annotations

import csv
import functools
import http.server
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.servers import in_thread
from conftest import ROOT, chromium_context, free_port, read_rows

# A county plan (given as text) and a county-level city's consultation draft (given as PDF).
HONGAN_PLAN = """红安县人民政府关于印发红安县碳达峰实施方案的通知

红政发〔2024〕3号

各乡镇人民政府，县政府各部门：

现将《红安县碳达峰实施方案》印发给你们，请认真贯彻执行。

红安县碳达峰实施方案

为全面贯彻党中央、国务院关于碳达峰碳中和的决策部署，落实省、市碳达峰工作要求，结合我县实际，制定本方案。

一、主要目标

到2025年，全县非化石能源消费比重达到22%，新能源装机容量达到60万千瓦。

二、重点任务

（一）能源绿色低碳转型行动

大力发展可再生能源。加快推进红安县七里坪镇100MW农光互补光伏电站项目建设，力争2025年建成并网。有序推进红安县天台山风电场二期项目前期工作。推进华家河镇生物质热电联产项目建设，建设县城集中供热管网。

三、保障措施

各乡镇、各部门要切实加强组织领导，压实工作责任，确保各项任务落到实处。

红安县人民政府

2024年3月15日
"""
HONGAN_PROJECTS = ("红安县七里坪镇100MW农光互补光伏电站项目", "红安县天台山风电场二期项目", "华家河镇生物质热电联产项目")

MACHENG_TITLE = "麻城市碳达峰实施方案（征求意见稿）"
MACHENG_PARAGRAPHS = [
    ("h1", MACHENG_TITLE),
    ("p", "为贯彻落实国家、省、黄冈市关于碳达峰碳中和的决策部署，推动麻城市经济社会发展全面绿色转型，结合本市实际，制定本方案。"),
    ("h2", "一、主要目标"),
    ("p", "到2025年，全市光伏发电装机达到80万千瓦，单位地区生产总值能耗比2020年下降14%。"),
    ("h2", "二、重点任务"),
    ("h3", "（一）能源绿色低碳转型行动"),
    ("p", "加快建设麻城市福田河镇50MW渔光互补光伏发电项目，力争2025年建成投产。有序推进麻城市五脑山抽水蓄能电站前期工作。"
          "加快推进麻城市龟山风电场项目建设，配套建设麻城110千伏龟山输变电工程。"),
    ("h3", "（二）循环经济助力降碳行动"),
    ("p", "建成麻城市生活垃圾焚烧发电项目，提高生活垃圾资源化利用水平。"),
    ("h2", "三、保障措施"),
    ("p", "加强组织领导，各乡镇（街道）、各部门要按照职责分工抓好落实。强化统计监测，建立能耗和碳排放统计核算体系，定期调度各项任务进展。"),
    ("sign", "麻城市发展和改革委员会"),
    ("sign", "2024年5月20日"),
]
MACHENG_PROJECTS = ("麻城市福田河镇50MW渔光互补光伏发电项目", "麻城市五脑山抽水蓄能电站", "麻城市龟山风电场项目",
                    "麻城市生活垃圾焚烧发电项目")


# A 专栏 as plans print it: a ruled table whose cells wrap.
MACHENG_TABLE = [("序号", "项目名称", "建设内容及规模"),
                 ("1", "麻城市盐田河镇农光互补光伏发电项目", "建设农光互补光伏电站，装机规模30万千瓦，力争2026年建成"),
                 ("2", "麻城市木子店镇风电场项目", "装机规模10万千瓦")]


def table_html(rows) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<p class="p">专栏1 能源绿色低碳转型重点项目</p><table>{cells}</table>'


def plan_html(paragraphs, font_pt: int = 22, table_after: int | None = None) -> str:
    rows = "".join(
        (f'<p class="{kind}">{text}</p>' if kind in ("p", "sign") else f"<{kind}>{text}</{kind}>")
        + (table_html(MACHENG_TABLE) if i == table_after else "")
        for i, (kind, text) in enumerate(paragraphs))
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{paragraphs[0][1]}</title><style>
body {{ font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: {font_pt}pt; line-height: 1.8; }}
h1 {{ font-size: {font_pt + 4}pt; text-align: center; font-weight: normal; }}
h2, h3 {{ font-size: {font_pt}pt; font-weight: normal; margin: 0; text-indent: 2em; }}
p {{ text-indent: 2em; margin: 0; text-align: justify; }}
p.sign {{ text-align: right; }}
table {{ border-collapse: collapse; width: 100%; font-size: {font_pt - 6}pt; }} td {{ border: 1px solid #000; padding: 2pt; }}
</style></head><body>{rows}</body></html>"""


def run_cli(*args, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("REGISTRY_DB", "REGISTRY_ROOT")}
    environment.update(PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), **(env or {}))
    return subprocess.run([sys.executable, "-m", "registry.cli", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)


def cli(*args, input: str | None = None):
    """The registry CLI in process (click's runner): the same commands, without a Python start-up each."""
    from registry.cli import cli as registry_cli

    return CliRunner().invoke(registry_cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture()
def registry_root(tmp_path) -> Path:
    from registry.rows.root import init_registry

    return init_registry(tmp_path / "registry")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the registry folder, by relative path: to prove a failure changed nothing. The
    write lock's empty file (.registry.lock, left for the next writer to lock) is no data."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".registry.lock"}


@pytest.fixture(scope="module")
def macheng_pdf(tmp_path_factory) -> Path:
    """The Macheng plan printed to PDF; beside it scanned.pdf, a page with a picture and no text layer."""
    folder = tmp_path_factory.mktemp("pdf")
    pdf = folder / "麻城市碳达峰实施方案.pdf"
    with chromium_context() as context:
        page = context.new_page()
        page.set_content('<div style="width:15cm;height:20cm;background:linear-gradient(#888,#eee)"></div>')
        page.pdf(path=str(folder / "scanned.pdf"), format="A4")
        page.set_content(plan_html(MACHENG_PARAGRAPHS, table_after=6))
        page.pdf(path=str(pdf), format="A4", display_header_footer=True,
                 margin={"top": "3.7cm", "bottom": "3.5cm", "left": "2.8cm", "right": "2.6cm"},
                 header_template=f'<div style="font-size:10pt;width:100%;text-align:center">{MACHENG_TITLE}</div>',
                 footer_template='<div style="font-size:12pt;width:100%;text-align:center">— <span class="pageNumber"></span> —</div>')
    return pdf


def test_pdf_and_text_plans_through_add_review_build_export(tmp_path, macheng_pdf):
    """The issue's done-when: a PDF and a text plan, each through add-plan, review --accept-all and
    build in a temporary registry folder, and their projects in `registry export`."""
    import pdfplumber

    initialised = run_cli("init", str(tmp_path / "reg"))
    assert initialised.returncode == 0, initialised.stderr
    root = tmp_path / "reg"
    text_plan = tmp_path / "红安县碳达峰实施方案.txt"
    text_plan.write_text(HONGAN_PLAN, encoding="utf-8")

    # The PDF really has what publishing breaks: names wrapped across lines, header and page numbers on each page.
    with pdfplumber.open(macheng_pdf) as pdf:
        assert len(pdf.pages) >= 2
        raw_lines = [line["text"] for page in pdf.pages for line in page.extract_text_lines()]
    assert any(not any(name in line for line in raw_lines) for name in MACHENG_PROJECTS)
    assert any(line.replace(" ", "") == "—2—" for line in raw_lines)
    assert not any(MACHENG_TABLE[1][2] in line for line in raw_lines)  # a table cell wraps too

    added_pdf = run_cli("--root", str(root), "add-plan", str(macheng_pdf), "--doc-id", "macheng_421181")
    assert added_pdf.returncode == 0, added_pdf.stderr
    added_txt = run_cli("add-plan", str(text_plan), cwd=root)  # the current folder is the registry
    assert added_txt.returncode == 0, added_txt.stderr
    for name in HONGAN_PROJECTS:
        assert name in added_txt.stdout

    documents = {row["doc_id"]: row for row in read_rows(root / "plans" / "documents.csv")}
    macheng, hongan = documents["macheng_421181"], documents["plan_421122"]
    assert (macheng["city"], macheng["city_code"], macheng["parent_city"], macheng["province"]) == ("麻城市", "421181", "黄冈市", "湖北省")
    assert (macheng["title"], macheng["status"], macheng["published"]) == (MACHENG_TITLE, "consultation draft", "2024-05-20")
    assert macheng["issuer"] == "麻城市发展和改革委员会"
    assert (hongan["title"], hongan["city"], hongan["doc_number"], hongan["issuer"], hongan["status"]) == (
        "红安县碳达峰实施方案", "红安县", "红政发〔2024〕3号", "红安县人民政府", "in force")

    # The stored PDF text is the plan again: wraps joined, no running header, no page numbers.
    stored = (root / "plans" / macheng["file"]).read_text(encoding="utf-8")
    for _kind, paragraph in MACHENG_PARAGRAPHS:
        assert paragraph in stored
    assert stored.count(MACHENG_TITLE) == 1 and "— 2 —" not in stored and "—2—" not in stored
    for row in MACHENG_TABLE:  # the table's rows, their wrapped cells whole again
        assert "\t".join(row) in stored

    for doc_id in ("macheng_421181", "plan_421122"):  # in process: the same command, less start-up time
        reviewed = cli("review", doc_id, "--accept-all", "--root", str(root))
        assert reviewed.exit_code == 0, reviewed.output
    built = run_cli("build", cwd=root)
    assert built.returncode == 0, built.stderr
    assert (root / "registry.db").is_file()

    exported = run_cli("--root", str(root), "export", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    by_name = {row["name"]: row for row in rows}
    for name in MACHENG_PROJECTS:
        assert by_name[name]["source_doc"] == "macheng_421181" and by_name[name]["county"] == "麻城市"
    for name in HONGAN_PROJECTS:
        assert by_name[name]["source_doc"] == "plan_421122" and by_name[name]["county"] == "红安县"
    assert by_name["麻城市福田河镇50MW渔光互补光伏发电项目"]["capacity_mw"] == "50"
    assert all(row["lon"] and row["precision"] for row in rows)  # every project located
    # The id series continue per plan and the export span points at the name in the stored text.
    name_row = by_name["麻城市五脑山抽水蓄能电站"]
    assert name_row["id"].startswith("macheng-")
    assert stored[int(name_row["source_start"]):int(name_row["source_end"])].startswith("麻城市五脑山")
    targets = read_rows(root / "targets.csv")
    assert {(t["source_doc"], t["value"], t["unit"]) for t in targets} >= {("macheng_421181", "80", "万千瓦"), ("plan_421122", "22", "%")}


GOV_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>关于印发红安县碳达峰实施方案的通知_政策文件_红安县人民政府门户网站</title><script>var x = "首页";</script></head>
<body><div class="top"><nav><a href="/">首页</a><a href="/zw">政务公开</a><a href="/bs">办事服务</a><a href="/hd">互动交流</a>
<a href="/zt">专题专栏</a><a href="/wz">网站地图</a></nav><div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div></div>
<div class="main"><div class="side"><ul><li>县政府文件</li><li>县政府办公室文件</li><li>部门文件</li><li>政策解读</li></ul></div>
<div class="article"><h1>红安县人民政府关于印发红安县碳达峰实施方案的通知</h1><div class="info">发布时间：2024-03-18 来源：县发改局</div>
<div class="content">{body}</div></div></div>
<footer>主办单位：红安县人民政府办公室 地址：红安县城关镇 备案号：鄂ICP备00000000号 技术支持：某某网络科技有限公司</footer></body></html>"""


# An older site's layout: one table for the whole page, the plan in a nested table's cell.
TABLE_PAGE = """<html><head><meta charset="utf-8"><title>红安县人民政府</title></head><body><table>
<tr><td colspan="2">红安县人民政府门户网站 首页 政务公开 办事服务 互动交流 当前位置</td></tr>
<tr><td width="200">县政府文件<br>县政府办公室文件<br>政策解读<br>通知公告</td><td><table><tr><td>{body}</td></tr></table></td></tr>
<tr><td colspan="2">主办单位：红安县人民政府办公室 备案号：鄂ICP备00000000号</td></tr></table></body></html>"""


def gov_page(layout: str = GOV_PAGE) -> str:
    body = "".join(f"<p>{line}</p>" for line in HONGAN_PLAN.split("\n\n") if line.strip())
    return layout.format(body=body.replace("\n", "<br>"))


@pytest.mark.parametrize("layout", [GOV_PAGE, TABLE_PAGE], ids=["div-layout", "table-layout"])
def test_html_plan_keeps_the_plan_and_drops_the_page_around_it(tmp_path, registry_root, layout):
    page = tmp_path / "hongan.html"
    page.write_text(gov_page(layout), encoding="utf-8")
    result = cli("--root", str(registry_root), "add-plan", str(page), "--doc-id", "hongan_421122")
    assert result.exit_code == 0, result.output
    stored = (registry_root / "plans" / "hongan_421122.txt").read_text(encoding="utf-8")
    for paragraph in HONGAN_PLAN.split("\n\n"):
        assert paragraph.strip().replace("\n", "") in stored.replace("\n", "")
    for furniture in ("政务公开", "当前位置", "备案号", "县政府办公室文件", "var x"):
        assert furniture not in stored
    document = read_rows(registry_root / "plans" / "documents.csv")[0]
    assert (document["title"], document["city_code"]) == ("红安县碳达峰实施方案", "421122")
    for name in HONGAN_PROJECTS:
        assert name in result.output


def test_docx_plan_with_a_table_of_projects(tmp_path, registry_root):
    import docx

    document = docx.Document()
    document.add_heading("麻城市碳达峰实施方案", level=1)
    for _kind, text in MACHENG_PARAGRAPHS[1:6]:
        document.add_paragraph(text)
    document.add_paragraph("专栏1 能源绿色低碳转型重点项目")
    table = document.add_table(rows=3, cols=3)
    cells = [("序号", "项目名称", "建设内容"), ("1", "麻城市盐田河镇农光互补光伏发电项目", "装机规模30万千瓦"),
             ("2", "麻城市木子店镇风电场项目", "装机规模10万千瓦")]
    for row, values in zip(table.rows, cells):
        for cell, value in zip(row.cells, values):
            cell.text = value
    for _kind, text in MACHENG_PARAGRAPHS[6:]:
        document.add_paragraph(text)
    path = tmp_path / "macheng.docx"
    document.save(path)

    result = cli("--root", str(registry_root), "add-plan", str(path), "--doc-id", "macheng_421181", "--status", "in-force")
    assert result.exit_code == 0, result.output
    stored = (registry_root / "plans" / "macheng_421181.txt").read_text(encoding="utf-8")
    assert "1\t麻城市盐田河镇农光互补光伏发电项目\t装机规模30万千瓦" in stored
    row = read_rows(registry_root / "plans" / "documents.csv")[0]
    assert (row["city_code"], row["status"]) == ("421181", "in force")  # --status overrides the 征求意见稿 of the text
    candidates = {r["name"] for r in read_rows(registry_root / "plans" / "macheng_421181.candidates.csv")}
    assert "麻城市福田河镇50MW渔光互补光伏发电项目" in candidates
    assert any("盐田河" in name for name in candidates)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture()
def file_server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving tmp_path/site."""
    site = tmp_path / "site"
    site.mkdir()
    with in_thread(http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))) as server:
        yield site, f"http://127.0.0.1:{server.server_port}"


def test_plan_from_a_url_and_fetch_errors(file_server, registry_root):
    site, base = file_server
    # Many government sites still serve GB2312, declared in a <meta> only.
    (site / "hongan.html").write_bytes(gov_page().replace('<meta charset="utf-8">', '<meta charset="gb2312">').encode("gb18030"))
    (site / "macheng").write_bytes("\n\n".join(t for _, t in MACHENG_PARAGRAPHS).encode("gb18030"))  # no extension, GB18030
    before = snapshot(registry_root)

    missing = cli("--root", str(registry_root), "add-plan", f"{base}/nothing.pdf")
    assert missing.exit_code == 1 and missing.output.count("\n") == 1
    assert "HTTP 404" in missing.output and "Traceback" not in missing.output
    refused = cli("--root", str(registry_root), "add-plan", f"http://127.0.0.1:{free_port()}/plan.pdf", "--timeout", "5")
    assert refused.exit_code == 1 and refused.output.count("\n") == 1 and "cannot fetch" in refused.output
    assert snapshot(registry_root) == before

    ok = cli("--root", str(registry_root), "add-plan", f"{base}/hongan.html")
    assert ok.exit_code == 0, ok.output
    ok = cli("--root", str(registry_root), "add-plan", f"{base}/macheng")
    assert ok.exit_code == 0, ok.output
    documents = read_rows(registry_root / "plans" / "documents.csv")
    assert [row["doc_id"] for row in documents] == ["plan_421122", "plan_421181"]
    assert documents[0]["title"] == "红安县碳达峰实施方案"
    assert "大力发展可再生能源。加快推进红安县七里坪镇" in (registry_root / "plans" / "plan_421122.txt").read_text(encoding="utf-8")
    assert MACHENG_TITLE in (registry_root / "plans" / "plan_421181.txt").read_text(encoding="utf-8")


def test_duplicates_are_refused_naming_the_plan_already_there(tmp_path, registry_root):
    plan = tmp_path / "hongan.txt"
    plan.write_text(HONGAN_PLAN, encoding="utf-8")
    assert cli("--root", str(registry_root), "add-plan", str(plan), "--doc-id", "hongan_421122").exit_code == 0
    before = snapshot(registry_root)

    rewrapped = tmp_path / "hongan-again.txt"  # the same text, wrapped differently
    rewrapped.write_text(HONGAN_PLAN.replace("。", "。\n"), encoding="utf-8")
    again = cli("--root", str(registry_root), "add-plan", str(rewrapped), "--doc-id", "hongan2_421122")
    assert again.exit_code == 1 and again.output.count("\n") == 1
    assert "already in the registry as hongan_421122" in again.output

    other = tmp_path / "macheng.txt"
    other.write_text("\n\n".join(t for _, t in MACHENG_PARAGRAPHS), encoding="utf-8")
    same_id = cli("--root", str(registry_root), "add-plan", str(other), "--doc-id", "hongan_421122")
    assert same_id.exit_code == 1 and "doc id hongan_421122 is already in plans/documents.csv" in same_id.output
    assert snapshot(registry_root) == before


@pytest.mark.parametrize("name, content, says", [
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
    ("empty.txt", b"", "is empty"),
    ("english.txt", b"Carbon peaking plan of a city. " * 40, "no Chinese characters"),
    ("note.txt", "会议通知：请各位同事于本周五下午三点到会议室开会，讨论年度工作总结。".encode() * 2, "only"),
    ("noplace.txt", ("碳达峰实施方案\n\n" + "加快推进光伏发电项目建设，推动能源结构调整，提升可再生能源消费比重。" * 12).encode(),
     "names no province"),
    ("notice.txt", ("各位业主：小区将于下周二停水，请提前做好储水准备，给您带来不便敬请谅解。" * 12).encode(), "does not read like a plan"),
    ("README.md", (ROOT / "README.md").read_bytes(), "mostly not Chinese"),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage", "cannot read the PDF"),
    ("archive.docx", b"PK\x03\x04" + bytes(64), "cannot read the Word file"),
    ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "save it as .docx or PDF"),
])
def test_a_file_that_is_not_a_plan_is_one_error_line_and_changes_nothing(tmp_path, registry_root, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(registry_root)
    result = cli("--root", str(registry_root), "add-plan", str(path))
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
    assert says in result.output and "Traceback" not in result.output
    assert snapshot(registry_root) == before


def test_metadata_of_the_five_shipped_plans_is_read_from_their_text():
    """documents.csv was written by hand from the plans: add-plan must read the same from the text."""
    from registry.intake.metadata import infer_metadata
    from registry.intake.sources import read_plan

    seeds = [r for r in read_rows(ROOT / "plans" / "documents.csv") if r["source"].startswith("seed corpus")]
    assert len(seeds) == 5
    for row in seeds:  # the provincial plans came through add-plan itself, from a corpus that has no title page
        plan = read_plan(str(ROOT / "plans" / row["file"]))
        untitled = row["status"] == "published without title page"  # 临湘: the text starts at the preamble
        found = infer_metadata(plan.text, plan.title_hint, title=row["title"] if untitled else None)
        for column in ("title", "city", "city_code", "parent_city", "province", "doc_number"):
            assert found[column] == row[column], (row["doc_id"], column)
        if not untitled:
            assert found["status"] == row["status"] and found["published"] == row["published"], row["doc_id"]
        assert found["issuer"] in ("", row["issuer"]), row["doc_id"]  # unknown rather than wrong


def test_a_pdf_without_text_asks_for_ocr(macheng_pdf, registry_root):
    before = snapshot(registry_root)
    result = cli("--root", str(registry_root), "add-plan", str(macheng_pdf.parent / "scanned.pdf"))
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "no text layer" in result.output
    assert snapshot(registry_root) == before


def test_failures_leave_the_registry_files_byte_identical(tmp_path, registry_root, monkeypatch):
    plan = tmp_path / "hongan.txt"
    plan.write_text(HONGAN_PLAN, encoding="utf-8")
    before = snapshot(registry_root)

    # documents.csv cannot be moved into place, after the text and candidate files were: they go away again.
    # (A real full disk, which fails before anything is moved, is in test_concurrent_writers.py.)
    import registry.intake.files as files_module

    real_replace = os.replace

    def refused(source, target):
        if Path(target).name == "documents.csv":
            raise OSError(5, "Input/output error")
        real_replace(source, target)
    monkeypatch.setattr(files_module.os, "replace", refused)
    result = cli("--root", str(registry_root), "add-plan", str(plan), "--doc-id", "hongan_421122")
    assert result.exit_code == 1 and "documents.csv" in result.output and "Traceback" not in result.output
    monkeypatch.undo()
    assert snapshot(registry_root) == before

    # A candidate the reviewer's accepted rows would make invalid: review refuses, adds nothing.
    assert cli("--root", str(registry_root), "add-plan", str(plan), "--doc-id", "hongan_421122").exit_code == 0
    candidates = registry_root / "plans" / "hongan_421122.candidates.csv"
    rows = read_rows(candidates)
    rows[-1]["type"] = "perpetual_motion"
    with open(candidates, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    projects_before = (registry_root / "projects.csv").read_bytes()
    targets_before = (registry_root / "targets.csv").read_bytes()
    result = cli("--root", str(registry_root), "review", "hongan_421122", "--accept-all")
    assert result.exit_code == 1 and "perpetual_motion" in result.output and "unchanged" in result.output
    assert (registry_root / "projects.csv").read_bytes() == projects_before
    assert (registry_root / "targets.csv").read_bytes() == targets_before


def test_interactive_review_edits_rejects_and_resumes(tmp_path, registry_root):
    plan = tmp_path / "hongan.txt"
    plan.write_text(HONGAN_PLAN, encoding="utf-8")
    shipped_like = [{"id": "hongan-001", "name": "红安县已有项目", "type": "wind", "city": "黄冈市", "county": "红安县",
                     "source_doc": "hongan_421122", "source_start": "0", "source_end": "4"}]
    assert cli("--root", str(registry_root), "add-plan", str(plan), "--doc-id", "hongan_421122").exit_code == 0
    candidates = read_rows(registry_root / "plans" / "hongan_421122.candidates.csv")
    assert [c["name"] for c in candidates[:3]] == list(HONGAN_PROJECTS)
    # An earlier review of this plan already gave out hongan-001: the series continues after it.
    from registry.intake.files import append_csv_rows
    from registry.rows.schema import PROJECT_COLUMNS
    append_csv_rows(registry_root / "projects.csv", shipped_like, PROJECT_COLUMNS)

    # First candidate: edit its capacity, then accept; second: reject; then quit.
    first = cli("--root", str(registry_root), "review", "hongan_421122",
                input="e\ncapacity_mw\nabc\ne\ncapacity_mw\n120\na\nr\nq\n")
    assert first.exit_code == 0, first.output
    assert "「加快推进红安县七里坪镇100MW农光互补光伏电站项目建设，力争2025年建成并网。」" in first.output  # its sentence
    assert "not changed" in first.output  # 'abc' is not a capacity
    rows = {r["name"]: r for r in read_rows(registry_root / "projects.csv")}
    assert rows[HONGAN_PROJECTS[0]]["capacity_mw"] == "120" and rows[HONGAN_PROJECTS[0]]["id"] == "hongan-002"
    assert HONGAN_PROJECTS[1] not in rows

    # Input that ends mid-review (a script's stdin) keeps the decisions made and adds nothing twice.
    ended = cli("--root", str(registry_root), "review", "hongan_421122", input="")
    assert ended.exit_code == 0 and "(no more input)" in ended.output and "added 0 projects" in ended.output

    # A second run resumes at the third candidate and accepts the rest.
    second = cli("--root", str(registry_root), "review", "hongan_421122", "--accept-all")
    targets = read_rows(registry_root / "plans" / "hongan_421122.candidate-targets.csv")
    assert f"2 decided before, {len(candidates) + len(targets) - 2} to review" in second.output
    rows = read_rows(registry_root / "projects.csv")
    names = [r["name"] for r in rows]
    assert names.count(HONGAN_PROJECTS[0]) == 1 and HONGAN_PROJECTS[1] not in names and HONGAN_PROJECTS[2] in names
    assert [r["id"] for r in rows] == [f"hongan-{i:03d}" for i in range(1, len(rows) + 1)]
    from registry.store.store import build
    report = build(registry_root / "projects.csv", registry_root / "registry.db", registry_root / "plans")
    assert report.projects == len(rows)


def test_the_registry_folder_is_found_like_git_finds_a_repository(tmp_path, registry_root, monkeypatch):
    from registry.rows.root import SHIPPED_ROOT, find_root

    (registry_root / "plans" / "sub").mkdir()
    assert find_root(cwd=registry_root / "plans" / "sub") == registry_root
    assert find_root(cwd=tmp_path) == SHIPPED_ROOT  # outside any registry: the shipped one
    monkeypatch.setenv("REGISTRY_ROOT", str(registry_root))
    assert find_root(cwd=tmp_path) == registry_root

    from webmap import create_app
    assert create_app({"REGISTRY_TILES": "none"}).config["REGISTRY_DB"] == str(registry_root / "registry.db")

    monkeypatch.setenv("REGISTRY_ROOT", str(tmp_path))
    result = cli("build")
    assert result.exit_code == 1 and result.output.startswith("error: $REGISTRY_ROOT:") and "registry init" in result.output
    monkeypatch.delenv("REGISTRY_ROOT")
    built = cli("--root", str(registry_root), "build")  # an empty registry builds
    assert built.exit_code == 0 and "0 projects, 0 documents" in built.output
    assert (registry_root / "registry.db").is_file()


HUBEI_PLAN = """湖北省碳达峰实施方案

为深入贯彻落实党中央、国务院关于碳达峰碳中和的重大战略决策，扎实推进全省碳达峰工作，推动经济社会发展全面绿色转型，结合我省实际，制定本方案。

一、主要目标

到2025年，全省非化石能源消费比重达到18.6%。

二、重点任务

（一）能源绿色低碳转型行动

加快建设罗田平坦原抽水蓄能电站、大悟县黑沟抽水蓄能电站等项目。推进襄阳市宜城100MW农光互补光伏电站建设。

三、保障措施

各地各部门要切实加强组织领导，压实工作责任，确保各项任务落到实处，定期调度各项任务进展，强化统计监测。
"""


def test_a_province_plan_places_each_project_in_its_own_city(tmp_path, registry_root):
    plan = tmp_path / "hubei.txt"
    plan.write_text(HUBEI_PLAN, encoding="utf-8")
    added = cli("--root", str(registry_root), "add-plan", str(plan), "--doc-id", "hubei_420000")
    assert added.exit_code == 0, added.output
    document = read_rows(registry_root / "plans" / "documents.csv")[0]
    assert (document["city"], document["city_code"], document["province"]) == ("湖北省", "420000", "湖北省")
    assert cli("--root", str(registry_root), "review", "hubei_420000", "--accept-all").exit_code == 0
    rows = {r["county"]: r for r in read_rows(registry_root / "projects.csv")}
    # Where each county is (the official list): 罗田县 in 黄冈市, 大悟县 in 孝感市, 宜城市 in 襄阳市.
    for county, city in (("罗田县", "黄冈市"), ("大悟县", "孝感市"), ("宜城市", "襄阳市")):
        assert rows[county]["city"] == city and rows[county]["precision"] in ("county", "town", "site")
        from registry.geo.geocode import point_in_county
        from registry.geo.divisions import load_divisions
        code = next(d.code for d in load_divisions().by_name[county] if d.code.startswith("42"))
        assert point_in_county(rows[county]["lon"], rows[county]["lat"], code)


def test_the_review_page_saves_decisions_and_adds_the_accepted_rows(tmp_path, registry_root):
    import re

    from registry.intake.webreview import create_review_app

    plan = tmp_path / "hongan.txt"
    plan.write_text(HONGAN_PLAN, encoding="utf-8")
    assert cli("--root", str(registry_root), "add-plan", str(plan), "--doc-id", "hongan_421122").exit_code == 0
    candidates_csv = registry_root / "plans" / "hongan_421122.candidates.csv"
    rows = read_rows(candidates_csv)
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    rows[2]["subtype"] = hostile  # a hand-edited candidate file must still show as text
    with open(candidates_csv, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    client = create_review_app(registry_root, "hongan_421122").test_client()
    page = client.get("/")
    html = page.get_data(as_text=True)
    policy = page.headers["Content-Security-Policy"]
    assert page.status_code == 200 and "script-src 'self';" in policy and "unsafe" not in policy
    # One script, the page's own static file; nothing inline, and the hostile cell shown as text.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/review.js" defer>']
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for name in HONGAN_PROJECTS:
        assert f"<mark>{name}</mark>" in html  # the span marked in its sentence
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)

    before = snapshot(registry_root)
    forged = client.post("/", data={"project:hongan-001|decision": "accept", "action": "apply"})
    assert forged.status_code == 400 and snapshot(registry_root) == before

    first, second, third = (f"project:{row['id']}" for row in rows[:3])
    answer = client.post("/", data={
        "token": token, "action": "apply",
        f"{first}|decision": "accept", f"{first}|capacity_mw": "120",
        f"{second}|decision": "reject",
        f"{third}|decision": "accept", f"{third}|target_year": "next year",
    }, follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert "is not a whole number" in html  # the bad edit is named and not saved, the review not applied
    assert (registry_root / "projects.csv").read_bytes() == before["projects.csv"]

    answer = client.post("/", data={"token": token, "action": "apply", f"{first}|decision": "accept",
                                     f"{second}|decision": "reject", f"{third}|decision": "accept"},
                         follow_redirects=True)
    assert "added 2 projects" in answer.get_data(as_text=True)
    added = {r["name"]: r for r in read_rows(registry_root / "projects.csv")}
    assert set(added) == {HONGAN_PROJECTS[0], HONGAN_PROJECTS[2]}
    assert added[HONGAN_PROJECTS[0]]["capacity_mw"] == "120" and added[HONGAN_PROJECTS[2]]["subtype"] == hostile
    # The terminal review sees the same decisions: only the targets are left.
    resumed = cli("--root", str(registry_root), "review", "hongan_421122", "--reject-all")
    assert "3 decided before" in resumed.output and "added 0 projects" in resumed.output

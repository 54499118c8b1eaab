"""`registry review DOC --add-target START:END|WORDS`: a target the extractor missed, read from its passage by
the extractor's target parsers, set by the reviewer (--indicator, --value, --unit, --year), checked with the
registry's target rules and refused as one line, changing nothing, when it is bad or a repeat."""
from __future__ import annotations

from test_add_plan import cli, snapshot
from test_review_additions import DOC, added_plan, review, root_folder  # noqa: F401 (fixture)

from conftest import read_rows

def test_a_missed_target_is_added_from_its_words_and_applied(tmp_path, root_folder):  # noqa: F811
    added_plan(tmp_path, root_folder)
    text = (root_folder / "plans" / f"{DOC}.txt").read_text(encoding="utf-8")
    words = "新能源装机容量达到60万千瓦"
    assert words in text
    start = text.index(words)
    # the extractor found this target: a second one over the same words is refused, naming it
    result = review(root_folder, "--add-target", words, "--yes")
    assert result.exit_code == 1 and "repeats target:" in result.output, result.output
    # reject it, then add it by hand as the reviewer reads it
    from registry.intake import Review

    r = Review(root_folder, DOC)
    for candidate in r.candidates:
        if candidate.kind == "target" and candidate.span[0] <= start < candidate.span[1]:
            r.decide(candidate, "reject")
    result = review(root_folder, "--add-target", f"{start}:{start + len(words)}", "--indicator", "new_energy_capacity",
                    "--year", "2025", "--yes")
    assert result.exit_code == 0, result.output
    assert "new_energy_capacity: 新能源装机容量 = 60 万千瓦 by 2025" in result.output
    rows = [t for t in read_rows(root_folder / "targets.csv") if t["source_doc"] == DOC]
    row = next(t for t in rows if t["indicator"] == "new_energy_capacity")
    assert (row["value"], row["unit"], row["value_normalised"], row["unit_normalised"], row["year"]) == (
        "60", "万千瓦", "600", "MW", "2025")
    assert text[int(row["source_start"]):int(row["source_end"])] == words
    summary = review(root_folder, "--summary").output
    assert DOC in summary


def test_bad_targets_are_one_line_and_change_nothing(tmp_path, root_folder):  # noqa: F811
    added_plan(tmp_path, root_folder)
    before = snapshot(root_folder)
    for args, words in ((["--add-target", "非化石能源消费比重达到22%", "--indicator", "bogus"], "unknown indicator 'bogus'"),
                        (["--add-target", "结合我县实际"], "value: is empty; set it with --value"),
                        (["--add-target", "非化石能源消费比重达到22%", "--unit", "斤"], "unit"),
                        (["--add-target", "99999:100000"], "outside the text"),
                        (["--add-target", "没有这句话"], "is not in the text"),
                        (["--indicator", "non_fossil_share"], "--indicator set the fields of the target --add-target makes")):
        result = review(root_folder, *args, "--yes")
        assert result.exit_code == 1 and words in result.output and result.output.count("\n") == 1, (args, result.output)
        assert snapshot(root_folder) == before, args


def test_two_quantities_of_one_value_are_two_targets(tmp_path):
    """宁夏's "秸秆综合利用率、农膜回收率达到90%以上": one number, two targets, both proposed. A reviewer who
    rejected one can add it again over the words both share, while a repeat of the other is refused."""
    from conftest import ROOT
    from registry.intake import Review

    root, doc = tmp_path / "registry", "ningxia_640000"
    assert cli("init", str(root)).exit_code == 0
    result = cli("--root", str(root), "add-plan", str(ROOT / "plans" / f"{doc}.txt"), "--doc-id", doc,
                 "--area-code", "640000", "--title", "宁夏回族自治区碳达峰实施方案")
    assert result.exit_code == 0, result.output
    words = "秸秆综合利用率、农膜回收率达到90%"
    text = (root / "plans" / f"{doc}.txt").read_text(encoding="utf-8")
    start = text.index(words)
    review_ = Review(root, doc)
    proposed = [c for c in review_.candidates if c.kind == "target" and c.span[0] < start + len(words) <= c.span[1]]
    assert [(c.row["metric"], c.row["value"]) for c in proposed] == [("秸秆综合利用率", "90"), ("农膜回收率", "90")]
    review_.decide(proposed[0], "reject")

    def add(*args):
        return cli("--root", str(root), "review", doc, "--add-target", words, *args, "--yes")

    repeat = add("--metric", "农膜回收率", "--indicator", "other")
    assert repeat.exit_code == 1 and "repeats target:" in repeat.output, repeat.output
    result = add("--metric", "秸秆综合利用率", "--indicator", "straw_utilisation_rate")
    assert result.exit_code == 0, result.output
    rows = [t for t in read_rows(root / "targets.csv") if t["indicator"] == "straw_utilisation_rate"]
    assert [(t["metric"], t["value"], t["unit"], t["year"]) for t in rows] == [("秸秆综合利用率", "90", "%", "2025")]

"""Scoring extraction against the reviewed registry.

Match rule: a candidate and a reviewed row match when they come from the same document,
their raw-text spans overlap, and they agree on the type or their names share at least half
of their character bigrams (Dice ≥ 0.5). Matching is one-to-one, best-scoring pairs first,
so one candidate cannot be counted for two reviewed rows (a multi-site sentence must yield
one candidate per site).
"""
from __future__ import annotations


def _bigrams(name: str) -> set[str]:
    return {name[i:i + 2] for i in range(len(name) - 1)}


def name_similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _score(candidate: dict, reviewed: dict) -> float:
    if candidate["source_doc"] != reviewed["source_doc"]:
        return 0.0
    c0, c1 = int(candidate["source_start"]), int(candidate["source_end"])
    r0, r1 = int(reviewed["source_start"]), int(reviewed["source_end"])
    if c0 >= r1 or r0 >= c1:
        return 0.0
    similarity = name_similarity(candidate["name"], reviewed["name"])
    if candidate["type"] != reviewed["type"] and similarity < 0.5:
        return 0.0
    return similarity + (1.0 if candidate["type"] == reviewed["type"] else 0.0)


def match_rows(candidates: list[dict], reviewed: list[dict]) -> list[tuple[dict, dict]]:
    pairs = sorted(((_score(c, r), i, j) for i, c in enumerate(candidates) for j, r in enumerate(reviewed)),
                   reverse=True)
    used_c, used_r, matched = set(), set(), []
    for score, i, j in pairs:
        if score <= 0:
            break
        if i not in used_c and j not in used_r:
            used_c.add(i)
            used_r.add(j)
            matched.append((candidates[i], reviewed[j]))
    return matched


def recall_precision(candidates: list[dict], reviewed: list[dict]) -> tuple[float, float, int]:
    matched = len(match_rows(candidates, reviewed))
    recall = matched / len(reviewed) if reviewed else 1.0
    precision = matched / len(candidates) if candidates else 1.0
    return recall, precision, matched


def match_by_name(candidates: list[dict], expected: list[dict], threshold: float = 0.5) -> list[tuple[dict, dict]]:
    """One-to-one pairs for hand-written expectations that have no text spans: names sharing at least
    `threshold` of their bigrams, the same type breaking ties; best pairs first."""
    pairs = sorted(((name_similarity(c["name"], e["name"]) + (0.01 if c["type"] == e["type"] else 0), i, j)
                    for i, c in enumerate(candidates) for j, e in enumerate(expected)), reverse=True)
    used_c, used_e, matched = set(), set(), []
    for score, i, j in pairs:
        if score < threshold:
            break
        if i not in used_c and j not in used_e:
            used_c.add(i)
            used_e.add(j)
            matched.append((candidates[i], expected[j]))
    return matched

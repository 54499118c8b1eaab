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
    return _best_pairs(candidates, reviewed, _score, keep=lambda score: score > 0)


def recall_precision(candidates: list[dict], reviewed: list[dict]) -> tuple[float, float, int]:
    matched = len(match_rows(candidates, reviewed))
    recall = matched / len(reviewed) if reviewed else 1.0
    precision = matched / len(candidates) if candidates else 1.0
    return recall, precision, matched


def match_by_name(candidates: list[dict], expected: list[dict], threshold: float = 0.5) -> list[tuple[dict, dict]]:
    """One-to-one pairs for hand-written expectations that have no text spans: names sharing at least
    `threshold` of their bigrams, the same type breaking ties; best pairs first."""
    def score(c: dict, e: dict) -> float:
        return name_similarity(c["name"], e["name"]) + (0.01 if c["type"] == e["type"] else 0)

    return _best_pairs(candidates, expected, score, keep=lambda value: value >= threshold)


def _best_pairs(left: list[dict], right: list[dict], score, keep) -> list[tuple[dict, dict]]:
    """Greedy one-to-one matching: the best-scoring pairs first, each row used once, while `keep(score)`."""
    pairs = sorted(((score(a, b), i, j) for i, a in enumerate(left) for j, b in enumerate(right)), reverse=True)
    used_left, used_right, matched = set(), set(), []
    for value, i, j in pairs:
        if not keep(value):
            break
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            matched.append((left[i], right[j]))
    return matched

"""The SVG pictures: well-formed, accessible, the right stage marked, bars to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from gap_analysis.model.workflow import Action, Stage, Workflow, default_workflow
from gap_analysis.render.svg import main_path, review_path_svg, words_chart_svg

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    title = root.find("s:title", NS)
    assert title is not None and title.text == root.get("aria-label")
    desc = root.find("s:desc", NS)
    assert desc is not None and desc.text
    assert root.get("aria-describedby") == desc.get("id")
    return root


def _stages(root: ET.Element) -> dict[str, str]:
    return {
        g.get("data-stage", ""): g.get("data-state", "")
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("data-stage")
    }


@pytest.mark.parametrize("state", ["draft", "cg-cop", "sg17", "cwg-cop", "published"])
def test_review_path_marks_the_reached_stage(state: str) -> None:
    root = _parse(review_path_svg(default_workflow(), state))
    stages = _stages(root)
    order = ["draft", "cg-cop", "sg17", "cwg-cop", "published"]
    assert list(stages) == order
    reached = order.index(state)
    assert [stages[s] for s in order] == ["done"] * reached + ["reached"] + ["todo"] * (4 - reached)
    name = default_workflow().stage(state).name  # type: ignore[union-attr]
    assert name in (root.get("aria-label") or "")
    assert len(root.findall(".//s:line", NS)) == 4  # one arrow between each pair


def test_review_path_returned_version() -> None:
    root = _parse(review_path_svg(default_workflow(), "returned", returned_from="sg17"))
    stages = _stages(root)
    assert stages["sg17"] == "returned"
    assert stages["cg-cop"] == "done" and stages["cwg-cop"] == "todo"
    assert stages["returned"] == "returned"  # the box below the stage that returned it
    assert "returned by SG17" in (root.get("aria-label") or "")


def test_review_path_escapes_and_follows_custom_workflows() -> None:
    workflow = Workflow(
        stages=(
            Stage("draft", "Draft"),
            Stage("wg", "WG <1> & co"),
            Stage("done", "Done", final=True),
            Stage("returned", "Returned", final=True),
        ),
        actions=(
            Action("submit", ("draft",), "wg"),
            Action("return", ("wg",), "returned"),
            Action("agree", ("wg",), "done"),
        ),
    )
    assert [s.id for s in main_path(workflow)] == ["draft", "wg", "done"]
    root = _parse(review_path_svg(workflow, "wg"))
    assert _stages(root) == {"draft": "done", "wg": "reached", "done": "todo"}
    assert "WG <1> & co" in "".join(root.itertext())


def test_review_path_is_deterministic() -> None:
    assert review_path_svg(default_workflow(), "sg17") == review_path_svg(
        default_workflow(), "sg17"
    )
    assert review_path_svg(default_workflow(), "sg17") != review_path_svg(
        default_workflow(), "cg-cop"
    )


def test_words_chart_bars_are_to_scale() -> None:
    rows = [("1 Introduction", 120, 30), ("2 Method & scope", 10, 240), ("A Abbreviations", 0, 0)]
    root = _parse(words_chart_svg(rows))
    bars = [
        (r.get("class"), int(r.get("data-words", "-1")), float(r.get("width", "-1")))
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if "bar" in (r.get("class") or "")
    ]
    assert [(c, w) for c, w, _ in bars] == [
        ("bar bar-in", 120),
        ("bar bar-out", 30),
        ("bar bar-in", 10),
        ("bar bar-out", 240),
        ("bar bar-in", 0),
        ("bar bar-out", 0),
    ]
    widest = max(width for _, _, width in bars)
    assert widest > 100
    for _, words, width in bars:
        assert width == pytest.approx(widest * words / 240, abs=0.01)
    text = "".join(root.itertext())
    assert "2 Method & scope" in text and "+120" in text and "\u2212240" in text
    assert "130 in, 270 out" in (root.get("aria-label") or "")


def test_words_chart_empty_and_long_labels() -> None:
    root = _parse(words_chart_svg([]))
    assert "No chapter changed." in "".join(root.itertext())
    long_label = "3 " + "A very long chapter title " * 4
    root = _parse(words_chart_svg([(long_label, 5, 0)]))
    labels = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any(label.endswith("\u2026") and len(label) <= 30 for label in labels)
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert long_label in titles  # the full label is kept for hover and screen readers

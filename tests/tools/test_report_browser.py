"""The report as a browser draws it: headless Chromium from the system packages renders the page of a known
registry, and a script the test adds (never the shipped report) measures every chart label and collects the
page's visible text. Skipped, with the reason, where no Chromium is installed; in CI (.ci/run installs it) a
missing browser fails the test instead of skipping it silently."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from registry.tools.labels import Labels
from registry.tools.report import render_html
from registry.tools.report_data import ReportData
from tests.tools.report_registry import known_report

BROWSER_TIMEOUT_S = 60
# Layout is measured in fractional pixels.
SLACK_PX = 0.5

# Measures each SVG text against its chart (the viewBox is the chart's own coordinates) and the bar it labels,
# then writes the results into the DOM, which --dump-dom prints.
MEASURE = """<pre id='measured'></pre><script>
(function () {
  const charts = [];
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.viewBox.baseVal;
    const texts = [];
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      const next = text.nextElementSibling;
      texts.push({text: text.textContent, x: b.x, width: b.width, length: text.getComputedTextLength(),
                  bar_x: next && next.tagName === 'rect' ? next.x.baseVal.value : null});
    }
    const drawn = svg.getBoundingClientRect();
    charts.push({title: svg.getAttribute('aria-label'), width: box.width || svg.width.baseVal.value,
                 left: drawn.left, right: drawn.right, texts: texts});
  }
  const page = document.documentElement.clientWidth;
  document.getElementById('measured').textContent =
    JSON.stringify({charts: charts, page_width: page, text: document.body.innerText});
})();
</script>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("no Chromium in CI: .ci/run installs Debian's chromium package; the report must be rendered")
    pytest.skip("no Chromium: install Debian's chromium package (.ci/run does) to render the report in a browser")


def rendered(page: str, folder: Path) -> dict[str, Any]:
    """What Chromium drew of ``page``, as the injected script measured it."""
    assert "<script" not in page  # the shipped report runs nothing; the script is the test's
    path = folder / "report.html"
    path.write_text(page.replace("</body>", f"{MEASURE}</body>"), encoding="utf-8")
    command = [
        chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
        "--disable-background-networking", "--disable-sync", f"--user-data-dir={folder / 'profile'}",
        "--window-size=1280,2000", "--virtual-time-budget=5000", "--dump-dom", path.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S, check=False)
    found = re.search(r"<pre id=\"measured\">(.*?)</pre>", done.stdout, re.S)
    assert done.returncode == 0 and found, f"Chromium drew no page (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def cut_labels(measured: dict[str, Any]) -> list[str]:
    """Every chart text that reaches outside its chart, or into the bar it labels."""
    cut = []
    for chart in measured["charts"]:
        for text in chart["texts"]:
            right = text["x"] + text["width"]
            if text["x"] < -SLACK_PX or right > chart["width"] + SLACK_PX:
                cut.append(f"{chart['title']}: {text['text']!r} spans {text['x']:.1f}..{right:.1f} of {chart['width']}")
            elif text["bar_x"] is not None and right > text["bar_x"] + SLACK_PX:
                cut.append(f"{chart['title']}: {text['text']!r} ends at {right:.1f}, over its bar at {text['bar_x']}")
        if chart["left"] < -SLACK_PX or chart["right"] > measured["page_width"] + SLACK_PX:
            cut.append(f"{chart['title']}: drawn {chart['left']:.0f}..{chart['right']:.0f} of {measured['page_width']}")
    return cut


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    return known_report(f"sqlite:///{tmp_path_factory.mktemp('registry') / 'registry.db'}")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_chromium_shows_every_organisation_and_no_chart_label_is_cut(
    known: ReportData, lang: str, tmp_path: Path
) -> None:
    measured = rendered(render_html(known, Labels(lang)), tmp_path)
    assert len(measured["charts"]) == 3  # kommuner in Stockholms län, areas, changes per month
    labels = [text["text"] for chart in measured["charts"] for text in chart["texts"]]
    longest = {
        "sv": "Montering, förpackning och legotillverkning",
        "en": "Assembly, packaging & contract manufacturing",
    }
    assert longest[lang] in labels and "Upplands Väsby" in labels
    assert all(text["length"] > 0 for chart in measured["charts"] for text in chart["texts"])  # drawn, not empty
    assert cut_labels(measured) == []
    shown = measured["text"]
    for group in known.organisations.values():
        for organisation in group:
            assert organisation.name in shown, organisation.name


def test_without_chromium_the_test_says_why_and_in_ci_it_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no Chromium in CI"):
        chromium()

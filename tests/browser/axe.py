"""axe-core (from npm, node_modules/axe-core) run inside a page of a browser test."""

from functools import cache
from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5),
    }));
}"""


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page) -> list:
    """axe-core's serious and critical violations on the page as it is now.

    Evaluated through the DevTools protocol, which the pages' CSP does not
    govern: the page itself still runs no inline script.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    return page.evaluate(RUN)


def assert_accessible(page, where: str) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{where}: {violations}"

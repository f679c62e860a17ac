"""What the browser tests share (ADR 0024): where Chromium is, whether a request stayed on
the server, axe-core's verdict on a page, and the README's screenshots."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from api.auth import Role
from support.processes import Server

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
HOME = "127.0.0.1"
# axe-core's impacts, from the ones that keep a user out of a page down.
BLOCKING_IMPACTS = ("critical", "serious")


@dataclass(frozen=True)
class Workspace:
    """The served demo database: its address and a token secret for each role."""

    url: str
    tokens: dict[Role, str]
    server: Server


@dataclass
class Traffic:
    """What a page asked for and what its console said, for the checks after the test."""

    requests: list[str]
    csp_reports: list[str]


def chromium_executable() -> str:
    """Debian's chromium (Playwright's own download is not reachable): its path. Without it
    the browser tests skip, except in CI, where they must never skip: there they fail."""
    found = shutil.which("chromium")
    if found is not None:
        return found
    reason = "the browser tests need Debian's chromium on PATH: apt-get install chromium"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def left_home(url: str) -> bool:
    """True for a request to anywhere but this machine's loopback server: a data: URL is
    the page's own bytes, a blob: URL names the origin that made it."""
    scheme, _, rest = url.partition(":")
    if scheme == "data":
        return False
    if scheme == "blob":
        return left_home(rest)
    return urlsplit(url).hostname != HOME


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, critical and serious only."""
    violations: list[dict[str, Any]] = Axe().run(page).response["violations"]
    return [found for found in violations if found["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per violation: rule, impact, what it asks, and where (CSS selectors)."""
    return "".join(
        f"- {found['id']} ({found['impact']}): {found['help']}\n"
        + "".join(f"    at {' '.join(map(str, node['target']))}\n" for node in found["nodes"])
        for found in violations
    )


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page."""
    violations = serious_violations(page)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"


def screenshot(page: Page, name: str, directory: Path = SCREENSHOTS) -> Path | None:
    """docs/screenshots/<name>.png of the page's viewport, only when BEGROTING_SCREENSHOTS=1
    asks for it (the README's images; CI never rewrites tracked files); where it went."""
    if os.environ.get("BEGROTING_SCREENSHOTS") != "1":
        return None
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{name}.png"
    page.screenshot(path=str(target))
    return target

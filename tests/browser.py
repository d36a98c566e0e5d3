"""Headless Chromium for tests, through Selenium with Debian's chromedriver.

The driver path is always given explicitly, so Selenium Manager never runs and
nothing is downloaded. Each session gets a fresh profile folder and no network
services (sync, component updates, background fetches). Tests that need a
browser call `need_chromium()`, which skips with the reason when Chromium
or its driver is not installed, and fails under CI=true (`tools/test`
installs both, and under CI stops when it cannot).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.helpers import need

CHROMIUM = ("chromium", "chromium-browser")
DRIVER = "chromedriver"
DRIVER_PATH = "/usr/bin/chromedriver"


def _find_binaries() -> tuple[str, str] | None:
    browser = next((found for name in CHROMIUM if (found := shutil.which(name))), None)
    driver = shutil.which(DRIVER) or (DRIVER_PATH if Path(DRIVER_PATH).exists() else None)
    return (browser, driver) if browser and driver else None


def need_chromium() -> tuple[str, str]:
    found = _find_binaries()
    need(
        found is not None,
        "headless Chromium is not installed (Debian: apt-get install chromium chromium-driver)",
    )
    try:
        import selenium  # noqa: F401
    except ImportError:
        need(False, "selenium is not installed (pip install -e '.[test]')")
    assert found is not None
    return found


@contextmanager
def chromium(profile: Path, width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A headless Chromium WebDriver with console logging on; quits on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = need_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver: Any) -> list[str]:
    """Console messages of level SEVERE since the last call (failed loads included)."""
    return [
        entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"
    ]

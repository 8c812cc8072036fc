"""The dashboard as a user sees it: a real ``ocgmap dashboard`` server driven by Chromium.

AppTest cannot render custom components, so this is what proves the network view draws. The
demo world (run once per session) is served; screenshots go to the test's temporary folder,
and also to ``OCGMAP_SCREENSHOTS`` when set (that is how docs/ gets its pictures).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from ocgmap_cli import OCGMAP, ocgmap_env

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("OCGMAP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WAIT_MS = 90_000  # bounds on a hung page, not performance assertions
USER, PASSWORD = "sam", "correct horse battery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"ocgmap dashboard exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"ocgmap dashboard did not answer on {url}")


@pytest.fixture
def served(
    demo: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    """URL of the dashboard serving the demo world, and the demo home."""
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    home, done = demo
    assert done.returncode == 0, done.stderr
    # the dashboard's users, added as an admin would; kept apart from the shared demo home
    env = {**ocgmap_env(home), "OCGMAP_USERS_FILE": str(tmp_path / "users.json")}
    for who, role, by in (("adam", "admin", "adam"), (USER, "supervisor", "adam")):
        added = subprocess.run(
            [OCGMAP, "--user", by, "users", "add", who, "--role", role, "--password-stdin"],
            env=env,
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert added.returncode == 0, added.stderr
    port = _free_port()
    server = subprocess.Popen(
        [OCGMAP, "dashboard", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, server)
        yield url, home
    finally:
        server.terminate()
        server.wait(timeout=30)


def _keep(shots: Path) -> None:
    wanted = os.environ.get("OCGMAP_SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        for png in shots.glob("*.png"):
            shutil.copy(png, Path(wanted) / png.name)


def test_challenge_list_cluster_network_and_search_in_chromium(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    url, home = served
    run = json.loads((home / "demo" / "results.json").read_text())
    first = run["clusters"][0]
    vehicle = next(m["key"] for m in first["members"] if m["label"] == "Vehicle")
    typed = f"{vehicle[:4]} {vehicle[4:]}".lower()  # e.g. "ab12 cde"
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(WAIT_MS)
        page.goto(url)
        page.get_by_label("user name").fill(USER)
        page.get_by_label("password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("h1:has-text('Challenge list')")
        page.wait_for_selector(f"text=Signed in as {USER}", state="attached")
        # the table is a canvas grid: its cells are in the page but not "visible"
        page.wait_for_selector(f"text={first['cluster_id']}", state="attached")
        page.screenshot(path=str(shots / "challenge-list.png"))

        page.get_by_role("button", name="Open cluster").click()
        page.wait_for_selector(f"h1:has-text('Cluster {first['cluster_id']} (rank 1)')")
        frame_element = page.wait_for_selector("iframe[title*='st_link_analysis']")
        frame = frame_element.content_frame()
        assert frame is not None
        frame.wait_for_selector("canvas")
        drawn = frame.evaluate(
            "() => { const cy = document.getElementById('cy')._cyreg.cy;"
            " const v = cy.nodes('[label = \"Vehicle\"]')[0]; v.emit('tap');"
            " return [cy.nodes().length, cy.edges().length, v.id()]; }"
        )
        assert drawn[0] > 1 and drawn[1] > 0
        page.wait_for_selector("text=Provenance (")  # the clicked node's details, below
        heading = page.locator("strong", has_text=f"Vehicle: {drawn[2].partition(':')[2]}")
        assert heading.count() == 1
        frame_element.scroll_into_view_if_needed()
        page.wait_for_timeout(2_000)  # let the layout settle for the picture
        page.screenshot(path=str(shots / "cluster.png"))

        page.get_by_role("link", name="Explore").click()
        page.wait_for_selector("h1:has-text('Explore')")
        box = page.get_by_label("identifier")
        box.fill(typed)
        box.press("Enter")
        page.wait_for_selector("h3:has-text('relationships')")
        page.wait_for_selector("iframe[title*='st_link_analysis']")
        page.wait_for_timeout(2_000)  # let the layout settle for the picture
        page.screenshot(path=str(shots / "explore.png"))
        # the normalised key is in the matches table (a canvas grid: attached, not "visible")
        page.wait_for_selector(f"text={vehicle}", state="attached")
        browser.close()
    _keep(shots)
    assert sorted(p.name for p in shots.glob("*.png")) == [
        "challenge-list.png",
        "cluster.png",
        "explore.png",
    ]

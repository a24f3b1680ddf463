"""The web page in a real browser: Playwright drives Debian's Chromium against a live uvicorn.

Skips only when Playwright or /usr/bin/chromium is missing and ``CI`` is not ``"true"``; under
CI a missing browser fails. No browser is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tongwen.server import Settings, create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOT = Path(__file__).resolve().parent.parent / "bench-out" / "page.png"
MAX_CHARS = 5000  # the live server's text limit, small so that the error path is cheap to hit
TIMEOUT_MS = 10_000


def _require_browser() -> Any:
    """The ``playwright.sync_api`` module; skip (fail under CI=true) without it or Chromium."""
    missing = []
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None
        missing.append("the playwright package")
    if not CHROMIUM.exists():
        missing.append(str(CHROMIUM))
    if missing:
        message = f"the browser test needs {' and '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return sync_api


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """A real uvicorn serving the app on a free loopback port, in a background thread."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(Settings(max_chars=MAX_CHARS)), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    """A fresh page of the live service in headless Chromium (module scope: one launch)."""
    sync_api = _require_browser()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        failed: list[str] = []

        def request_failed(request: Any) -> None:
            if request.failure != "net::ERR_ABORTED":  # a superseded request, cancelled
                failed.append(f"{request.url}: {request.failure}")

        page.on("requestfailed", request_failed)
        page.on("pageerror", lambda error: failed.append(f"script error: {error}"))
        page.goto(base_url)
        yield page
        browser.close()
    assert not failed, failed


def _settle(page: Any) -> None:
    """Wait until the page has shown the answer to the last keystroke or option change."""
    page.wait_for_selector('#result[aria-busy="false"]', state="attached")


def _show(page: Any, mode: str, text: str) -> None:
    """Pick ``mode``, type ``text`` and wait until the page has answered it."""
    page.click(f"label[for=mode-{mode}]")  # the radio itself is hidden under its label
    page.fill("#text", text)
    _settle(page)


def _choose(page: Any, **options: str) -> None:
    """Set each select ``#<name>`` (underscores as dashes) and wait for the new answer."""
    for name, value in options.items():
        page.select_option(f"#{name.replace('_', '-')}", value)
    _settle(page)


def test_annotate_renders_ruby(page: Any, tmp_path: Path) -> None:
    _show(page, "annotate", "我们去银行取长补短")
    rubies = page.locator("#result ruby")
    assert rubies.count() == 9
    assert rubies.first.evaluate("r => r.firstChild.nodeValue") == "我"
    readings = page.locator("#result ruby rt").all_text_contents()
    assert readings[3:5] == ["yín", "háng"] and all(readings)
    assert page.locator("#result rp").all_text_contents() == ["(", ")"] * 9
    assert page.locator("#error").is_hidden()
    screenshot = tmp_path / "page.png"
    page.screenshot(path=str(screenshot), full_page=True)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(screenshot, SCREENSHOT)


def test_annotate_options_rerender(page: Any) -> None:
    _show(page, "annotate", "银行")
    _choose(page, style="zhuyin")
    assert page.locator("#result rt").all_text_contents() == ["ㄧㄣˊ", "ㄏㄤˊ"]
    _choose(page, style="pinyin", tone="numbers", annotate_to="tw")
    assert page.locator("#result").text_content() == "銀(yin2)行(hang2)"
    assert page.locator("#result").get_attribute("lang") == "zh-Hant-TW"
    _choose(page, format="inline")
    assert page.locator("#result ruby").count() == 0
    assert page.locator("#result").text_content() == "銀(yin2)行(hang2)"
    _choose(page, only="custom")
    page.fill("#chars", "行")
    _settle(page)
    assert page.locator("#result").text_content() == "銀行(hang2)"
    _choose(page, format="ruby", annotate_to="keep", tone="marks", only="all")


def test_convert(page: Any) -> None:
    _show(page, "convert", "这是台湾制的产品")
    assert page.locator("#result").text_content() == "這是臺灣製的產品"  # 製: by context
    page.uncheck("#context")
    _settle(page)
    assert page.locator("#result").text_content() == "這是臺灣制的產品"  # the first form
    page.check("#context")
    _show(page, "convert", "汉字")
    assert page.locator("#result").text_content() == "漢字"
    assert "source detected: s" in page.locator("#status").text_content()
    assert page.locator("#copy-html").is_hidden() and page.locator("#copy-plain").is_enabled()


def test_repair_shows_clean_text_evidence_and_diff(page: Any) -> None:
    polluted = "代表團(tuán)的發(fā)言，代表團(tuán)的發(fā)言很長。"
    _show(page, "repair", polluted)
    assert page.locator("#result").text_content() == "代表團的發言，代表團的發言很長。"
    assert page.locator("#verdict").text_content().startswith("Polluted (score 0.9")
    evidence = page.locator("#evidence dd").all_text_contents()
    assert evidence[2] == "4"  # 字(reading) pairs
    assert page.locator("#diff del").all_text_contents() == ["(tuán)", "(fā)"] * 2
    assert page.locator("#diff ins").count() == 0
    assert page.locator("#diff").text_content() == polluted


def test_repaired_page_is_annotated_next(page: Any) -> None:
    """The seed-page flow: a polluted page with a GBK garble, repaired to Simplified, then
    "Annotate the clean text" shows it as ruby with the readings right in context."""
    from tongwen.repair.generate import pollute

    original = "代表团在会上发言，各自优势明显。代表团认为应该取长补短，加强协调。"
    polluted = pollute(original, site_chars=["團", "發", "優", "長", "調", "應", "詢"])
    assert "?" in polluted and "(zhǎng)" in polluted  # a garble, and a wrong fixed reading
    _show(page, "repair", polluted)
    _choose(page, clean_to="s")
    assert page.locator("#result").text_content() == original
    page.click("#annotate-clean")
    _settle(page)
    assert page.locator("#mode-annotate").is_checked()
    assert page.locator("#text").input_value() == original
    rubies = page.locator("#result ruby")
    readings = dict(zip(
        rubies.evaluate_all("rs => rs.map(r => r.firstChild.nodeValue)"),
        page.locator("#result ruby rt").all_text_contents(),
        strict=True,
    ))
    assert rubies.count() == sum(1 for c in original if "\u4e00" <= c <= "\u9fff")
    assert (readings["长"], readings["调"], readings["应"]) == ("cháng", "tiáo", "yīng")
    page.click("label[for=mode-repair]")
    _choose(page, clean_to="keep")


def test_repair_leaves_clean_text_alone(page: Any) -> None:
    _show(page, "repair", "头发(2005)")
    assert page.locator("#result").text_content() == "头发(2005)"
    assert page.locator("#verdict").text_content().startswith("Not polluted")
    assert page.locator("#diff-note").text_content() == "Nothing was changed."


def test_typed_markup_stays_text(page: Any) -> None:
    text = '<img src=x onerror="document.title=1">银行'
    _show(page, "annotate", text)
    assert page.locator("#result").text_content() == text.replace("银行", "银(yín)行(háng)")
    assert page.locator("#result ruby").count() == 2
    assert page.locator("#result img").count() == 0


def test_api_errors_are_shown(page: Any) -> None:
    _show(page, "convert", "字" * (MAX_CHARS + 1))
    error = page.locator("#error")
    assert error.is_visible()
    assert "text_too_long" in error.text_content() and "413" in error.text_content()
    assert page.locator("#result").text_content() == ""
    _show(page, "convert", "汉字")
    assert page.locator("#result").text_content() == "漢字"
    assert error.is_hidden()


def test_copy_buttons(page: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _show(page, "annotate", "<行>")
    reading = page.locator("#result rt").text_content()
    copied = {}
    for button in ("html", "plain", "inline"):
        page.click(f"#copy-{button}")
        page.wait_for_function("() => document.querySelector('#status').textContent"
                               ".startsWith('copied')")
        copied[button] = page.evaluate("() => navigator.clipboard.readText()")
        page.evaluate("() => { document.querySelector('#status').textContent = ''; }")
    assert copied == {
        "html": f"&lt;<ruby>行<rp>(</rp><rt>{reading}</rt><rp>)</rp></ruby>&gt;",
        "plain": "<行>",
        "inline": f"<行({reading})>",
    }

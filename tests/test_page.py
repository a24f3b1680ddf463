"""The web page at ``/`` and its static files: served, typed, self-contained, not in OpenAPI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from tongwen.conversion.schemes import SOURCES, TARGETS
from tongwen.readings.annotator import ONLY, READINGS, TO
from tongwen.render.formats import FORMATS
from tongwen.render.styles import STYLE_NAMES, TONE_NAMES
from tongwen.repair.clean import CLEAN_TARGETS
from tongwen.server import Settings, create_app
from tongwen.server.routes.page import STATIC_DIR

# Any absolute http(s) URL except a loopback one: the page must work offline.
EXTERNAL_URL = re.compile(r"https?://(?!(?:127\.0\.0\.1|localhost)(?:[:/]|$))", re.IGNORECASE)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings())) as test_client:
        yield test_client


class _Selects(HTMLParser):
    """Collects the option values of every ``<select>`` of a page, by the select's id."""

    def __init__(self) -> None:
        super().__init__()
        self.options: dict[str, list[str]] = {}
        self.copies: dict[str, str] = {}
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "select":
            self._current = values.get("id") or ""
            self.options[self._current] = []
            if values.get("data-options-from"):  # app.js appends that select's options
                self.copies[self._current] = values["data-options-from"] or ""
        elif tag == "option" and self._current is not None:
            self.options[self._current].append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._current = None


class _Links(HTMLParser):
    """Collects the script sources and stylesheet links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.scripts.append(values["src"] or "")
        if tag == "link" and values.get("rel") == "stylesheet":
            self.styles.append(values.get("href") or "")


def test_index_is_html_and_references_its_assets(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    links = _Links()
    links.feed(response.text)
    assert links.scripts == ["static/app.js"]
    assert links.styles == ["static/style.css"]
    for path in (*links.scripts, *links.styles):
        assert client.get(f"/{path}").status_code == 200, path


def test_page_options_are_the_engine_options(client: TestClient) -> None:
    selects = _Selects()
    selects.feed(client.get("/").text)
    for target, source in selects.copies.items():
        selects.options[target] += selects.options[source]
    assert selects.options == {
        "convert-to": list(TARGETS),
        "convert-from": list(SOURCES),
        "style": list(STYLE_NAMES),
        "tone": list(TONE_NAMES),
        "readings": list(READINGS),
        "only": [*ONLY, "custom"],  # custom: only="all" with the chars given
        "annotate-to": list(TO),
        "annotate-from": list(SOURCES),
        "format": ["ruby", *(name for name in FORMATS if name != "ruby")],
        "clean-to": list(CLEAN_TARGETS),
    }


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/app.js", "text/javascript; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/index.html", "text/html; charset=utf-8"),
    ],
)
def test_static_files_have_their_content_type(
    client: TestClient, path: str, content_type: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.content == (STATIC_DIR / path.rsplit("/", 1)[1]).read_bytes()


@pytest.mark.parametrize(
    "path", ["/static/nope.js", "/static/%2e%2e", "/static/%2e%2e%2fpage.py", "/static/"]
)
def test_unknown_static_files_are_404_in_the_envelope(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_static_files_load_nothing_from_outside() -> None:
    files = sorted(STATIC_DIR.iterdir())
    assert {f.name for f in files} == {"index.html", "app.js", "style.css"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not EXTERNAL_URL.search(text), path.name
        assert "@import" not in text and "url(" not in text, path.name


def test_page_routes_stay_out_of_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths and not any(p.startswith("/static") for p in paths)


def test_script_never_writes_html_from_text() -> None:
    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink

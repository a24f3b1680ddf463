"""The HTTP API: routes, the error envelope, limits, and the app factory's wiring."""

from __future__ import annotations

import inspect
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import tongwen
from tongwen.conversion.schemes import SOURCES, TARGETS
from tongwen.server import Settings, create_app
from tongwen.server.routes import (
    annotate_router,
    convert_router,
    health_router,
    repair_router,
    version_router,
)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings())) as test_client:
        yield test_client


def small_client(**limits: int) -> TestClient:
    """A client whose app has the given limits (the others default)."""
    return TestClient(create_app(Settings(**limits)))


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert the response is ``status`` with the error envelope and ``code``; return the error."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error


# --- plain routes -----------------------------------------------------------------------------


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_version(client: TestClient) -> None:
    response = client.get("/v1/version")
    assert response.status_code == 200
    assert response.json() == {"tongwen": tongwen.__version__, "data": tongwen.data_version()}


def test_openapi_and_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "tongwen"
    assert client.get("/docs").status_code == 200
    request_schema = schema["components"]["schemas"]["ConvertRequest"]["properties"]
    assert tuple(request_schema["to"]["enum"]) == TARGETS
    assert tuple(request_schema["from"]["enum"]) == SOURCES


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_work_offline(client: TestClient, page: str) -> None:
    """The docs pages load their scripts from the service itself, never from a CDN."""
    html = client.get(page).text
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts and all(src.startswith("/") for src in scripts), scripts
    for src in scripts:
        assert client.get(src).status_code == 200


def test_cpu_routes_are_plain_def() -> None:
    # Read the routers themselves: recent FastAPI no longer copies included routes onto app.
    routes = [
        route
        for router in (health_router, version_router, convert_router, annotate_router,
                       repair_router)
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    expected = {"/healthz", "/v1/version", "/v1/convert", "/v1/annotate", "/v1/detect",
                "/v1/clean"}
    assert {route.path for route in routes} == expected
    paths = create_app(Settings()).openapi()["paths"]
    assert set(paths) == expected
    for route in routes:
        assert not inspect.iscoroutinefunction(route.endpoint), route.path


# --- conversion -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("头发和发展", "頭髮和發展"), ("里面", "裡面")],
)
def test_convert_s_to_tw(client: TestClient, text: str, expected: str) -> None:
    response = client.post("/v1/convert", json={"text": text, "to": "tw", "from": "s"})
    assert response.status_code == 200, response.text
    assert response.json() == {"text": expected, "from": "s", "to": "tw"}


def test_convert_context_switch(client: TestClient) -> None:
    body = {"text": "这是台湾制的产品", "to": "tw"}
    assert client.post("/v1/convert", json=body).json()["text"] == "這是臺灣製的產品"
    body["context"] = False
    assert client.post("/v1/convert", json=body).json()["text"] == "這是臺灣制的產品"


def test_convert_t_to_s(client: TestClient) -> None:
    response = client.post("/v1/convert", json={"text": "頭髮和發展", "to": "s", "from": "t"})
    assert response.status_code == 200, response.text
    assert response.json() == {"text": "头发和发展", "from": "t", "to": "s"}


def test_convert_auto_reports_detected_source(client: TestClient) -> None:
    response = client.post("/v1/convert", json={"text": "头发和发展", "to": "tw"})
    assert response.status_code == 200, response.text
    assert response.json() == {"text": "頭髮和發展", "from": "s", "to": "tw"}

    text = "頭髮和發展"
    response = client.post("/v1/convert", json={"text": text, "to": "s", "from": "auto"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["text"] == "头发和发展"
    assert body["from"] == tongwen.detect_script(text).script
    assert body["from"] != "auto"


def test_convert_matches_library(client: TestClient) -> None:
    text = "这里的头发，那里的发展。Latin text 123"
    for to in TARGETS:
        response = client.post("/v1/convert", json={"text": text, "to": to, "from": "s"})
        assert response.status_code == 200, response.text
        assert response.json()["text"] == tongwen.convert(text, to=to, source="s")


def test_convert_empty_text(client: TestClient) -> None:
    response = client.post("/v1/convert", json={"text": "", "to": "t", "from": "s"})
    assert response.status_code == 200, response.text
    assert response.json()["text"] == ""


def test_converters_are_cached_per_app_and_pair() -> None:
    first, second = create_app(Settings()), create_app(Settings())
    assert first.state.converters is not second.state.converters
    with TestClient(first) as test_client:
        for _ in range(2):
            response = test_client.post("/v1/convert", json={"text": "头发", "to": "tw"})
            assert response.status_code == 200, response.text
    cache = first.state.converters

    def rebuilt() -> None:
        raise AssertionError("the converter was built twice")

    auto, detected = cache.get(("tw", "auto", True), rebuilt), cache.get(("tw", "s", True), rebuilt)
    assert auto is not detected and auto.source == "auto" and detected.source == "s"


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"text": "头发", "to": "xx"},
        {"text": "头发", "to": "tw", "from": "twp"},
        {"text": "头发"},
        {"to": "tw"},
        {"text": 5, "to": "tw"},
        {"text": "头发", "to": "tw", "form": "s"},
        ["头发", "tw"],
    ],
)
def test_invalid_request_shape(client: TestClient, body: Any) -> None:
    assert_error(client.post("/v1/convert", json=body), 422, "invalid_request")


def test_invalid_target_names_the_field(client: TestClient) -> None:
    error = assert_error(
        client.post("/v1/convert", json={"text": "头发", "to": "xx"}), 422, "invalid_request"
    )
    assert "to" in error["message"]


@pytest.mark.parametrize("field", [{"sandhi": 0}, {"sandhi": "yes"}, {"rank": "5"}, {"rank": True}])
def test_annotate_fields_are_strictly_typed(client: TestClient, field: dict[str, Any]) -> None:
    """No coercion: 0 is not false, "5" is not 5 (what the OpenAPI schema promises)."""
    response = client.post("/v1/annotate", json={"text": "长", **field})
    assert_error(response, 422, "invalid_request")


def test_annotate_accepts_a_whole_float_rank(client: TestClient) -> None:
    """JSON Schema counts 5.0 as an integer, so the API does too."""
    response = client.post("/v1/annotate", json={"text": "长", "only": "rare", "rank": 5.0})
    assert response.status_code == 200


def test_malformed_json(client: TestClient) -> None:
    response = client.post(
        "/v1/convert", content='{"text": "头'.encode(), headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code, "invalid_request")


def test_invalid_utf8_body(client: TestClient) -> None:
    response = client.post(
        "/v1/convert",
        content=b'{"text": "\xff\xfe\xc3", "to": "tw"}',
        headers={"content-type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code, "invalid_request")


def test_lone_surrogate_is_rejected(client: TestClient) -> None:
    response = client.post(
        "/v1/convert",
        content=b'{"text": "a\\ud800b", "to": "tw"}',
        headers={"content-type": "application/json"},
    )
    assert_error(response, 422, "invalid_request")


def test_body_over_limit() -> None:
    with small_client(max_request_bytes=100) as test_client:
        response = test_client.post("/v1/convert", json={"text": "头" * 100, "to": "tw"})
        assert_error(response, 413, "request_too_large")
        response = test_client.post("/v1/convert", json={"text": "头发", "to": "tw"})
        assert response.status_code == 200, response.text


def test_chunked_body_over_limit_without_content_length() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(20):
            yield b"x" * 10
        yield b'", "to": "tw"}'

    with small_client(max_request_bytes=100) as test_client:
        response = test_client.post(
            "/v1/convert", content=chunks(), headers={"content-type": "application/json"}
        )
        assert_error(response, 413, "request_too_large")


def test_text_over_max_chars() -> None:
    with small_client(max_chars=5) as test_client:
        response = test_client.post("/v1/convert", json={"text": "头发头发头发", "to": "tw"})
        assert_error(response, 413, "text_too_long")
        response = test_client.post("/v1/convert", json={"text": "头发头发头", "to": "tw"})
        assert response.status_code == 200, response.text


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_error(client.get("/nope"), 404, "not_found")
    assert_error(client.get("/v1/convert"), 405, "method_not_allowed")


# --- settings and serve -----------------------------------------------------------------------


def test_settings_read_from_env_when_app_is_created(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONGWEN_MAX_CHARS", "3")
    monkeypatch.setenv("TONGWEN_MAX_REQUEST_BYTES", "4096")
    app: FastAPI = create_app()
    assert app.state.settings.max_chars == 3
    assert app.state.settings.max_request_bytes == 4096
    defaults = Settings.model_fields
    assert defaults["max_chars"].default == 200_000
    assert defaults["max_request_bytes"].default == 1_000_000
    assert defaults["workers"].default == 1


@pytest.mark.parametrize(
    ("env", "argument", "expected"), [("3", None, 3), ("3", 2, 2), (None, None, 1)]
)
def test_serve_worker_count(
    monkeypatch: pytest.MonkeyPatch, env: str | None, argument: int | None, expected: int
) -> None:
    """--workers wins; otherwise TONGWEN_WORKERS; otherwise one worker."""
    import uvicorn

    from tongwen.server import serve

    if env is None:
        monkeypatch.delenv("TONGWEN_WORKERS", raising=False)
    else:
        monkeypatch.setenv("TONGWEN_WORKERS", env)
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    serve(workers=argument)
    assert calls[0]["workers"] == expected


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_tongwen_serve_answers_on_loopback() -> None:
    """`tongwen serve` (what `make run` starts) answers /healthz and converts."""
    port = _free_port()
    command = [sys.executable, "-m", "tongwen", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        response = httpx.post(f"{base}/v1/convert", json={"text": "头发", "to": "tw"}, timeout=10)
        assert response.json()["text"] == "頭髮"
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- annotate ----------------------------------------------------------------------------------


def test_annotate_renders_and_gives_tokens(client: TestClient) -> None:
    response = client.post("/v1/annotate", json={"text": "省长取长补短", "to": "tw"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["text"].startswith("省(shěng)長(zhǎng)取(qǔ)長(cháng)")
    assert [t["char"] for t in body["tokens"]] == list("省長取長補短")
    assert body["tokens"][3]["reading"] == "cháng" and body["tokens"][3]["source"] == "phrase"


def test_annotate_options(client: TestClient) -> None:
    body = {"text": "省长a", "format": "ruby", "style": "zhuyin", "tone": "marks"}
    response = client.post("/v1/annotate", json=body)
    assert response.json()["text"] == (
        "<ruby>省<rp>(</rp><rt>ㄕㄥˇ</rt><rp>)</rp></ruby>"
        "<ruby>长<rp>(</rp><rt>ㄓㄤˇ</rt><rp>)</rp></ruby>a"
    )
    response = client.post("/v1/annotate", json={"text": "不是", "sandhi": True, "chars": "不"})
    tokens = response.json()["tokens"]
    assert tokens[0]["reading"] == "bú" and tokens[1]["reading"] is None
    assert_error(client.post("/v1/annotate", json={"text": "x", "only": "some"}), 422,
                 "invalid_request")


# --- repair ------------------------------------------------------------------------------------


def test_detect_and_clean(client: TestClient) -> None:
    page = "代表團(tuán)學(xué)習(xí)了關(guān)於發(fā)展,各自?xún)?yōu)勢。"
    detection = client.post("/v1/detect", json={"text": page}).json()
    assert detection["polluted"] is True and detection["garbles"] == 2
    cleaned = client.post("/v1/clean", json={"text": page, "to": "s"}).json()
    assert cleaned["text"] == "代表团学习了关于发展,各自优势。"
    assert cleaned["changed"] and cleaned["repaired"] == 2 and cleaned["converted"]
    plain = client.post("/v1/clean", json={"text": "头发(2005)", "to": "s"}).json()
    assert plain["text"] == "头发(2005)" and plain["changed"] is False
    assert_error(client.post("/v1/clean", json={"text": "x", "to": "tw"}), 422, "invalid_request")

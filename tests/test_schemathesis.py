"""schemathesis against the service's own OpenAPI spec: no 500s, documented statuses and bodies.

Positive and negative cases are generated from ``/openapi.json``; every response must conform to
the spec (status documented, body matching its schema) and no request, however malformed, may
get a 5xx. Low limits make the 413 paths reachable too.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")

from hypothesis import HealthCheck, settings  # noqa: E402

from tongwen.server import create_app  # noqa: E402
from tongwen.server.settings import Settings  # noqa: E402

APP = create_app(Settings(max_chars=400, max_request_bytes=4_000))
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)


@SCHEMA.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_spec(case: schemathesis.Case) -> None:
    """Every generated request gets a documented status, a conforming body and never a 5xx."""
    case.call_and_validate()


def test_every_route_is_exercised() -> None:
    """The spec lists the whole API, so the test above covers every route."""
    paths = set(APP.openapi()["paths"])
    assert {
        "/healthz", "/v1/version", "/v1/convert", "/v1/annotate", "/v1/detect", "/v1/clean"
    } <= paths

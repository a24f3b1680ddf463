"""The FastAPI application factory, its error handling and ``serve`` (what ``tongwen serve`` runs).

Every failure answers ``{"error": {"code": ..., "message": ...}}``: 400 ``invalid_input`` when
the engine rejects the input, 413 ``request_too_large`` / ``text_too_long`` over the limits of
:class:`~tongwen.server.settings.Settings`, 422 ``invalid_request`` for a malformed or invalid
body, and the HTTP status's own code (``not_found``, ``method_not_allowed``...) otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import tongwen
from tongwen.server.engines import EngineCache
from tongwen.server.routes import (
    annotate_router,
    convert_router,
    health_router,
    page_router,
    repair_router,
    version_router,
)
from tongwen.server.schemas import ApiError
from tongwen.server.settings import Settings

__all__ = ["BodyLimitMiddleware", "create_app", "serve"]

_STATUS_CODES = {
    400: "invalid_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
}

_NOT_AN_OBJECT = frozenset({"model_attributes_type", "model_type", "dict_type"})


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """A JSON response ``{"error": {"code": code, "message": message}}`` with ``status``."""
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


class BodyLimitMiddleware:
    """ASGI middleware: 413 ``request_too_large`` when a body exceeds ``max_bytes``.

    Checks the declared Content-Length first, then counts the bytes actually received (chunked
    bodies, lying headers); the accepted body is buffered and replayed to the app.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass non-HTTP scopes through; reject or buffer-and-replay an HTTP request body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            try:
                declared_bytes = int(declared)
            except ValueError:
                await error_response(400, "invalid_request", "invalid Content-Length header")(
                    scope, receive, send
                )
                return
            if declared_bytes > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # http.disconnect: the client is gone
                return
            chunk: bytes = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "request_too_large",
            f"request body exceeds the limit of {self.max_bytes} bytes",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _location(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    messages: list[str] = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            detail = error.get("ctx", {}).get("error", "invalid JSON")
            messages.append(f"malformed JSON at position {_location(error['loc'])}: {detail}")
        elif tuple(error.get("loc", ())) == ("body",) and error.get("type") in _NOT_AN_OBJECT:
            messages.append("the body must be a JSON object sent as application/json")
        else:
            messages.append(f"{_location(error.get('loc', ()))}: {error.get('msg', 'invalid')}")
    return error_response(422, "invalid_request", "; ".join(messages) or "invalid request")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if isinstance(exc.__cause__, UnicodeDecodeError):
        message = "request body is not valid UTF-8"
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, message, headers=exc.headers)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message)


async def _input_error(request: Request, exc: Exception) -> JSONResponse:
    return error_response(400, "invalid_input", str(exc))


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    return error_response(500, "internal_error", "internal server error")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; ``settings`` defaults to ``Settings()``, read from the env now."""
    settings = settings if settings is not None else Settings()
    app = FastAPIOffline(  # /docs and /redoc from packaged files: they work offline
        title="tongwen",
        version=tongwen.__version__,
        description=(
            "Convert Chinese text between scripts, annotate its readings (pinyin, zhuyin), "
            "and detect and repair polluted web text. The web page is at /."
        ),
    )
    app.state.settings = settings
    app.state.converters = EngineCache()
    app.state.annotators = EngineCache()
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(tongwen.InputError, _input_error)
    app.add_exception_handler(tongwen.UnknownSchemeError, _input_error)
    app.add_exception_handler(Exception, _internal_error)
    app.include_router(health_router)
    app.include_router(version_router)
    app.include_router(convert_router)
    app.include_router(annotate_router)
    app.include_router(repair_router)
    app.include_router(page_router)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> None:
    """Run the app under uvicorn until interrupted; each worker calls :func:`create_app`.

    ``workers`` defaults to ``Settings().workers`` (``TONGWEN_WORKERS``).
    """
    import uvicorn

    if workers is None:
        workers = Settings().workers
    uvicorn.run(
        "tongwen.server.app:create_app", factory=True, host=host, port=port, workers=workers
    )

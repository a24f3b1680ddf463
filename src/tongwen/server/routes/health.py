"""``GET /healthz``: liveness probe."""

from __future__ import annotations

from fastapi import APIRouter

from tongwen.server.schemas import HealthResponse

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthResponse)
def healthz() -> HealthResponse:
    """Answer ``{"status": "ok"}``; loads no table."""
    return HealthResponse()

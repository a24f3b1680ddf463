"""``GET /v1/version``: library and data versions."""

from __future__ import annotations

from fastapi import APIRouter

import tongwen
from tongwen.server.schemas import VersionResponse

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["version"])


@router.get("/version", response_model=VersionResponse)
def version() -> VersionResponse:
    """Answer ``tongwen.__version__`` and ``tongwen.data_version()``."""
    return VersionResponse(tongwen=tongwen.__version__, data=tongwen.data_version())

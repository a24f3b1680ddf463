"""One router per resource; ``tongwen.server.app.create_app`` includes them all."""

from __future__ import annotations

from tongwen.server.routes.annotate import router as annotate_router
from tongwen.server.routes.convert import router as convert_router
from tongwen.server.routes.health import router as health_router
from tongwen.server.routes.page import router as page_router
from tongwen.server.routes.repair import router as repair_router
from tongwen.server.routes.version import router as version_router

__all__ = [
    "annotate_router",
    "convert_router",
    "health_router",
    "page_router",
    "repair_router",
    "version_router",
]

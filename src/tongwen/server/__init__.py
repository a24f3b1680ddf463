"""tongwen's HTTP API (FastAPI); needs the ``server`` extra: ``pip install tongwen[server]``."""

from __future__ import annotations

from tongwen.server.app import create_app, serve
from tongwen.server.settings import Settings

__all__ = ["Settings", "create_app", "serve"]

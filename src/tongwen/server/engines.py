"""Engines built once per app: a thread-safe lazy map from options to a Converter or Annotator,
and the text-length check every text route makes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from tongwen.server.schemas import ApiError
from tongwen.server.settings import Settings

__all__ = ["EngineCache", "check_length"]

E = TypeVar("E")


class EngineCache(Generic[E]):
    """Thread-safe lazy ``key -> engine``; each engine is built once, on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engines: dict[Hashable, E] = {}

    def get(self, key: Hashable, build: Callable[[], E]) -> E:
        """The engine for ``key``, made by ``build()`` the first time it is asked for."""
        engine = self._engines.get(key)
        if engine is None:
            with self._lock:
                engine = self._engines.get(key)
                if engine is None:
                    engine = self._engines[key] = build()
        return engine


def check_length(text: str, settings: Settings) -> None:
    """413 ``text_too_long`` when ``text`` has more characters than the settings allow."""
    if len(text) > settings.max_chars:
        raise ApiError(
            413, "text_too_long",
            f"text has {len(text)} characters; the limit is {settings.max_chars}",
        )

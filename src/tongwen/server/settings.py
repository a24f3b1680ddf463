"""Server settings, read from ``TONGWEN_*`` environment variables when the app is created."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Limits of the HTTP server; each field is overridden by ``TONGWEN_<FIELD>`` in the env."""

    model_config = SettingsConfigDict(env_prefix="TONGWEN_", extra="ignore")

    max_request_bytes: int = Field(
        default=1_000_000, gt=0, description="Largest accepted request body, in bytes."
    )
    max_chars: int = Field(
        default=200_000, gt=0, description="Largest accepted text to convert, in characters."
    )
    workers: int = Field(
        default=1, gt=0, description="Worker processes `tongwen serve` starts (--workers wins)."
    )

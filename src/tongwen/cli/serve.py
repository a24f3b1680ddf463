"""``tongwen serve``: the HTTP service (FastAPI, uvicorn)."""

from __future__ import annotations

import argparse
from typing import Any

from tongwen.cli.common import fail

HELP = """\
Start the HTTP service: POST /v1/convert, GET /healthz, GET /v1/version, docs at /docs.
Settings come from TONGWEN_* environment variables (TONGWEN_MAX_REQUEST_BYTES, ...)."""


def add_parser(commands: Any) -> None:
    """Register ``serve``."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "serve", help="run the HTTP service", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (%(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    try:
        from tongwen.server import serve
    except ImportError as error:
        return fail(f"the service needs the server extra: pip install 'tongwen[server]' ({error})")
    serve(host=args.host, port=args.port, workers=args.workers)
    return 0

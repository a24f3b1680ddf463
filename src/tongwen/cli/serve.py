"""``tongwen serve``: the HTTP service (FastAPI, uvicorn)."""

from __future__ import annotations

import argparse
from typing import Any

from tongwen.cli.common import fail

HELP = """\
Start the HTTP service and its web page.

  /                 the web page: paste text, see it converted, annotated as ruby, or repaired
  POST /v1/convert  /v1/annotate  /v1/detect  /v1/clean     JSON in, JSON out
  GET  /healthz  /v1/version     /docs and /redoc: the API reference (works offline)

Settings come from TONGWEN_* environment variables: TONGWEN_MAX_REQUEST_BYTES (413 beyond it),
TONGWEN_MAX_CHARS (longest text), TONGWEN_WORKERS (worker processes; --workers wins).

Example: tongwen serve --port 8000 --workers 2"""


def add_parser(commands: Any) -> None:
    """Register ``serve``."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "serve", help="run the HTTP service", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (%(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    parser.add_argument(
        "--workers", type=int, default=None,
        help="worker processes (default: TONGWEN_WORKERS, else 1)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    try:
        from tongwen.server import serve
    except ImportError as error:
        return fail(f"the service needs the server extra: pip install 'tongwen[server]' ({error})")
    serve(host=args.host, port=args.port, workers=args.workers)
    return 0

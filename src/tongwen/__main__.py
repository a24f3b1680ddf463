"""``python -m tongwen`` runs the command-line tool."""

from tongwen.cli import main

raise SystemExit(main())

"""``python -m api``: see api/cli.py."""

from api.cli import main

raise SystemExit(main())

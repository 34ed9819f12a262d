"""Run ecrtui with ``python -m ecrtui``."""

from ecrtui.cli import main

raise SystemExit(main())

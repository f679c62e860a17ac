"""`python -m api.cli`, as the `begroting` script."""

from api.cli.main import main

raise SystemExit(main())

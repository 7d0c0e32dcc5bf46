from inspraak.cli import main

raise SystemExit(main())

"""Allow ``python -m offerops``."""

from offerops.cli import main

main()

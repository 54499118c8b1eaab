"""`python -m registry`: the `registry` command, for an environment whose scripts folder is not on PATH."""
from registry.cli import main

main()

"""`python -m witx_lsp ...` runs the `witx-lsp` command."""

import sys

from witx_lsp.cli.main import main

if __name__ == "__main__":
    sys.exit(main())

from __future__ import annotations

import sys

# Started exactly as the VS Code client starts it.
SERVER_COMMAND = [sys.executable, "-m", "witx_lsp", "serve", "--stdio"]

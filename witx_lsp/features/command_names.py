"""The names clients know features by on the wire: `workspace/executeCommand` commands
and code action kinds. Kept apart from the features, which are imported when first
used: the server's registration table lists these at start-up."""

from __future__ import annotations

SHOW_LAYOUT = "witx.showLayout"
RENDER_DOCS = "witx.renderDocs"
SHOW_SYNTAX_TREE = "witx.showSyntaxTree"
SHOW_ABI = "witx.showAbi"
PREVIEW_HOST_SIGNATURES = "witx.previewHostSignatures"
ENCODE_VALUE = "witx.encodeValue"
DECODE_VALUE = "witx.decodeValue"
SHOW_WIT = "witx.showWit"
FIX_ALL = "source.fixAll.witx"  # the code action kind of "fix all" (features/code_actions.py)

"""What the server's log says about errors: a user's error (a refused rename, bad
command arguments, a cancelled request) is answered as an error response and
logged at DEBUG, without a traceback; only the server's own faults are logged as
internal errors.

Editors show everything the server writes to stderr: Neovim 0.11 writes each line
to its lsp.log at ERROR ("rpc ... stderr"), so a warning there is an error to the
user. pygls logs every error response with `logger.exception` and a `$/cancelRequest`
for a request already answered (the normal case: the client cancels what it no longer
needs) as a warning (pygls 2.0 protocol/json_rpc.py); both are demoted to DEBUG here.
"""

from __future__ import annotations

import logging

from pygls.exceptions import JsonRpcException, JsonRpcInternalError

PYGLS_RPC_LOGGER = "pygls.protocol.json_rpc"
_UNKNOWN_CANCEL = "Cancel notification for unknown message id"


def is_user_error(error: BaseException | None) -> bool:
    """An error response the server meant to give (not an internal fault)."""
    return isinstance(error, JsonRpcException) and not isinstance(error, JsonRpcInternalError)


class DemoteUserErrors(logging.Filter):
    """On pygls' JSON-RPC logger: records about user errors and unknown cancel ids
    become DEBUG records without a traceback (dropped unless DEBUG is on)."""

    def __init__(self, level_source: str = "witx_lsp") -> None:
        super().__init__()
        self.level_source = level_source

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        unknown_cancel = isinstance(record.msg, str) and record.msg.startswith(_UNKNOWN_CANCEL)
        if not (unknown_cancel or is_user_error(error)):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        record.exc_info, record.exc_text = None, None
        if error is not None:
            record.msg, record.args = "answered with an error: %s", (error,)
        return logging.getLogger(self.level_source).isEnabledFor(logging.DEBUG)


def install() -> None:
    logger = logging.getLogger(PYGLS_RPC_LOGGER)
    if not any(isinstance(f, DemoteUserErrors) for f in logger.filters):
        logger.addFilter(DemoteUserErrors())

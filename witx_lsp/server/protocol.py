"""The protocol adapter between the byte stream and pygls: JSON-RPC envelopes, the
LSP lifecycle, bounded answers and error replies. pygls 2.1 (pygls/protocol/
json_rpc.py) answers some of these wrongly or not at all; each rule below is
the JSON-RPC 2.0 specification's or LSP 3.17's ("Lifecycle Messages", "Base
Protocol"):

- a message that is no JSON-RPC object is answered InvalidRequest (-32600), with
  its id when it has a valid one, else null; a frame that is not JSON, ParseError;
- before `initialize` a request is answered ServerNotInitialized (-32002) and a
  notification dropped; a second `initialize` is InvalidRequest;
- after `shutdown` a request is InvalidRequest, a notification dropped; `exit`
  ends the connection with exit code 0 after `shutdown`, else 1;
- an unknown method is MethodNotFound (-32601) whether or not it has params; params
  that do not fit the method's type are InvalidParams (-32602), always answered;
- an answer larger than `MAX_ANSWER_BYTES` is replaced by RequestFailed (-32803),
  error messages are cut to `MAX_ERROR_MESSAGE` characters (no echo of a huge
  argument), and an expected refusal (any JsonRpcException a handler raises) is
  logged in one line, not with a traceback.

Text documents are kept by `witx_lsp.server.documents` (LSP line rules).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections.abc import Callable, Generator
from concurrent.futures import Future
from typing import Any

from cattrs import Converter
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcRequestCancelled
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage, MsgId

from witx_lsp.server import documents
from witx_lsp.server.framing import BadFrame, FrameReader, Message, Read

log = logging.getLogger("witx_lsp.server.protocol")

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002
REQUEST_FAILED = -32803
MAX_ANSWER_BYTES = 16 * 1024 * 1024
MAX_ERROR_MESSAGE = 500
# Methods the protocol handles without a registered feature.
_PASS_THROUGH = frozenset({types.CANCEL_REQUEST})


class RequestFailed(JsonRpcException):
    """LSP `RequestFailed` (-32803): a well-formed request the server refuses (a rename to
    an invalid name, docs the reference cannot render); editors show the message."""

    CODE = REQUEST_FAILED


def short(text: str, limit: int = MAX_ERROR_MESSAGE) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _valid_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


class WitxProtocol(LanguageServerProtocol):
    def __init__(self, server: Any, converter: Converter) -> None:
        super().__init__(server, converter)
        self.initialize_seen = False
        self.exit_code: int | None = None  # set by `exit`: the connection ends
        self.connection_lost = False
        self.line_indexes: dict[str, documents.EditableLines] = {}  # open document (unquoted URI) -> its current lines
        # Called with the raw `initialize` params before they are used; a string refuses
        # the client (`serve --tcp` checks its token here).
        self.admit: Callable[[dict[str, Any]], str | None] | None = None

    # --- incoming ----------------------------------------------------------------------------

    def receive(self, item: Message | BadFrame) -> None:
        """One frame from the reader."""
        if isinstance(item, BadFrame):
            self.send_error(item.id, PARSE_ERROR, item.reason)
            return
        if item.skipped:
            self.send_error(None, PARSE_ERROR, f"skipped {item.skipped} bytes that were no LSP message")
        self.receive_value(item.value)

    def receive_value(self, msg: Any) -> None:
        if not isinstance(msg, dict):
            self.send_error(None, INVALID_REQUEST, "a message must be a JSON object (batches are not used in LSP)")
            return
        msg_id = msg.get("id")
        reply_id = msg_id if _valid_id(msg_id) else None
        problem = _envelope_problem(msg)
        if problem is not None:
            self.send_error(reply_id, INVALID_REQUEST, problem)
            return
        if "method" not in msg:
            self._receive_response(msg)
            return
        method: str = msg["method"]
        is_request = "id" in msg
        refusal = self._lifecycle_refusal(method, is_request)
        if refusal is not None:
            if is_request:
                self.send_error(reply_id, *refusal)
            else:
                log.info("dropped notification %s: %s", short(method, 80), refusal[1])
            return
        if method == types.EXIT:
            self.exit_code = 0 if self._shutdown else 1
            return
        if method == types.SHUTDOWN:
            self._run_shutdown_tasks()
        if method == types.INITIALIZE and not self._admit(msg, reply_id):
            return
        known = method in self.fm.builtin_features or method in self.fm.features or method in _PASS_THROUGH
        if not known:
            if is_request:
                self.send_error(reply_id, METHOD_NOT_FOUND, f"unknown method: {short(method, 200)}")
            else:
                log.debug("ignored notification for unknown method %s", short(method, 200))
            return
        structured = self._structure(msg, method, is_request)
        if structured is None:
            return
        if method == types.INITIALIZE:
            self.initialize_seen = True
        # What pygls' handle_message does once the kind is known (its isinstance checks
        # against runtime Protocols cost more than a whole didChange).
        ctx = contextvars.copy_context()
        if is_request:
            ctx.run(self._handle_request, structured.id, method, structured.params)
        else:
            ctx.run(self._handle_notification, method, structured.params)

    def _run_shutdown_tasks(self) -> None:
        """The server's `shutdown_tasks` (saving the code cache), before `shutdown` is answered: a
        client may end the process as soon as it has the answer, before any exit handler runs."""
        for task in getattr(self._server, "shutdown_tasks", ()):
            try:
                task()
            except Exception:
                log.exception("shutdown task %r failed", task)

    def _lifecycle_refusal(self, method: str, is_request: bool) -> tuple[int, str] | None:
        if method == types.EXIT:
            return None
        if not self.initialize_seen and method != types.INITIALIZE:
            return SERVER_NOT_INITIALIZED, "the server is not initialized: send `initialize` first"
        if self.initialize_seen and method == types.INITIALIZE:
            return INVALID_REQUEST, "`initialize` was already received"
        if self._shutdown:
            return INVALID_REQUEST, "the server is shut down: only `exit` is accepted"
        return None

    def _admit(self, msg: dict[str, Any], reply_id: MsgId | None) -> bool:
        if self.admit is None:
            return True
        params = msg.get("params")
        refusal = self.admit(params if isinstance(params, dict) else {})
        if refusal is None:
            return True
        self.send_error(reply_id, INVALID_REQUEST, refusal)
        self.exit_code = 1
        return False

    def _structure(self, msg: dict[str, Any], method: str, is_request: bool) -> Any:
        """The typed message, or None when its params do not fit (a request is answered
        InvalidParams). Structured here rather than in pygls' `structure_message`, which
        logs a traceback for every malformed message."""
        fallback = JsonRPCRequestMessage if is_request else JsonRPCNotification
        message_type = self.get_message_type(method) or fallback
        data = msg if "params" in msg else {**msg, "params": None}
        try:
            return self._converter.structure(data, message_type)
        except RecursionError:
            reason = f"the params of {method} are nested too deeply"
        except Exception as error:  # cattrs raises many kinds for ill-typed input
            reason = f"invalid params for {method}: {short(str(error), 200)}"
        if is_request:
            self.send_error(msg["id"], INVALID_PARAMS, reason)
        else:
            log.warning("dropped notification: %s", reason)
        return None

    def _receive_response(self, msg: dict[str, Any]) -> None:
        try:
            structured = self.structure_message(msg)
        except Exception:
            log.warning("dropped a response the server cannot read (id %s)", short(repr(msg.get("id")), 80))
            return
        self.handle_message(structured)

    # --- document sync with LSP's line rules -------------------------------------------------

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        if not documents.apply_changes(self.workspace, params, self.line_indexes):
            return
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        self.line_indexes.pop(params.text_document.uri, None)
        self.workspace.put_text_document(params.text_document)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        if not documents.close(self.workspace, params.text_document.uri, self.line_indexes):
            return
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    # --- outgoing ----------------------------------------------------------------------------

    def send_error(self, msg_id: MsgId | None, code: int, message: str) -> None:
        if msg_id is None:  # JSON-RPC: `"id": null`, which pygls' serialisation would leave out
            self._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": short(message)}})
            return
        self._send_response(msg_id, None, types.ResponseError(code=code, message=message))

    def _send_response(self, msg_id: MsgId, result: Any | None = None,
                       error: types.ResponseError | None = None) -> None:
        if error is not None and len(error.message) > MAX_ERROR_MESSAGE:
            error = types.ResponseError(code=error.code, message=short(error.message), data=None)
        super()._send_response(msg_id, result, error)

    def _send_handler_result(self, future: Future[Any], *, msg_id: MsgId) -> None:
        self._request_futures.pop(msg_id, None)
        if future.cancelled():
            self._send_response(msg_id, error=JsonRpcRequestCancelled(
                f"request {short(str(msg_id), 80)} was cancelled").to_response_error())
            return
        error = future.exception()
        if error is None:
            self._send_response(msg_id, result=future.result())
        elif isinstance(error, JsonRpcException):  # a refusal the handler meant to give
            log.info("request %s refused: %s", short(str(msg_id), 80), short(error.message, 200))
            self._send_response(msg_id, error=error.to_response_error())
        else:
            log.error("internal error answering request %s", short(str(msg_id), 80), exc_info=error)
            self._send_response(msg_id, error=JsonRpcInternalError(
                f"internal error: {type(error).__name__}: {short(str(error), 200)}").to_response_error())

    def _send_data(self, data: Any) -> None:
        if not data or self.writer is None or self.connection_lost:
            return
        try:
            body = json.dumps(data, default=self._serialize_message)
        except (RecursionError, ValueError, TypeError) as error:
            body = self._unsendable(data, f"the answer cannot be written as JSON: {type(error).__name__}")
        if len(body) > MAX_ANSWER_BYTES:
            body = self._unsendable(data, f"the answer is {len(body)} bytes, over the limit of {MAX_ANSWER_BYTES}")
        if not body:
            return
        raw = body.encode("utf-8", "surrogatepass")
        try:
            self.writer.write(f"Content-Length: {len(raw)}\r\n\r\n".encode("ascii") + raw)
        except (BrokenPipeError, ConnectionError, OSError, RuntimeError) as error:
            self.connection_lost = True
            log.warning("the client's connection is gone (%s)", type(error).__name__)

    def _unsendable(self, data: Any, reason: str) -> str:
        """A RequestFailed answer in place of a response that cannot be sent; nothing for
        another message (it is logged)."""
        msg_id = getattr(data, "id", None)
        if _valid_id(msg_id) and (hasattr(data, "result") or hasattr(data, "error")):
            return json.dumps({"jsonrpc": "2.0", "id": msg_id, "error": {"code": REQUEST_FAILED, "message": reason}})
        log.warning("message %s not sent: %s", getattr(data, "method", "?"), reason)
        return ""


def _envelope_problem(msg: dict[str, Any]) -> str | None:
    if msg.get("jsonrpc") != "2.0":
        return 'expected "jsonrpc": "2.0"'
    if "id" in msg and not _valid_id(msg["id"]):
        return "the id must be an integer or a string"
    if "method" in msg:
        if not isinstance(msg["method"], str):
            return "the method must be a string"
        params = msg.get("params")
        if params is not None and not isinstance(params, (dict, list)):
            return "params must be an object or an array"
        return None
    if "id" not in msg or ("result" not in msg and "error" not in msg):
        return "a message needs a method (request, notification) or an id and a result or error (response)"
    return None


async def run_connection(protocol: WitxProtocol, read: Read) -> None:
    """Read and dispatch frames until the stream ends, the client sends `exit`, or the
    connection breaks."""
    frames = FrameReader(read)
    while protocol.exit_code is None and not protocol.connection_lost:
        try:
            item = await frames.next()
        except (ConnectionError, OSError) as error:
            log.info("the client's connection broke (%s)", type(error).__name__)
            return
        if item is None:
            return
        try:
            protocol.receive(item)
        except (SystemExit, KeyboardInterrupt):
            raise
        except Exception:  # a bug in the server: keep serving
            log.exception("internal error handling a message")
        await asyncio.sleep(0)  # let the tasks it started run

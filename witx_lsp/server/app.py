"""The pygls server: the session state (documents and their analyses, scheduling,
diagnostics, settings; the workspace index in `workspace_index.py`) that the handlers work on. The handlers
and what they answer are listed in `server/registry.py`, each a thin adapter over one
feature of witx_lsp.features."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from witx_lsp import __version__
from witx_lsp.base.diagnostic import Diagnostic
from witx_lsp.base.text import LineIndex, LineMap, PositionEncoding
from witx_lsp.features.diagnostics import cap_per_file
from witx_lsp.features.snapshot import Snapshot
from witx_lsp.model.analysis import Analysis
from witx_lsp.server import convert, log_noise
from witx_lsp.server.handler_state import HandlerState
from witx_lsp.server.options import Settings, parse_settings
from witx_lsp.server.protocol import WitxProtocol
from witx_lsp.server.workspace_index import WorkspaceIndex
from witx_lsp.workspace.host import AnalysisHost

log = logging.getLogger("witx_lsp.server")

IDLE_DELAY_S = 0.5
CYCLES_IDLE_S = 2.0


class WitxServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("witx-lsp", __version__, protocol_cls=WitxProtocol)
        self._host = AnalysisHost(convert.uri_to_path)
        self._edited: dict[str, None] = {}  # URIs whose editor text the host does not have yet
        self._flushing = False
        self.settings = Settings()
        self.uri_of: dict[str, str] = {}  # canonical path -> the URI the client uses
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.published: dict[str, int | None] = {}  # uri -> version last published
        # Called with the server and the new settings after every change (registry.SETTINGS_LISTENERS).
        self.settings_listeners: list[Callable[[WitxServer, Settings], None]] = []
        self.index = WorkspaceIndex(self)  # the workspace folders' files and the neighbours of opened ones
        # Diagnostics by pull (with refresh requests) or by push: one channel per client (channel.py).
        self.pull_diagnostics = False
        self._refresh_pending = False
        # Run once, shortly after the first diagnostics are published (the user is reading them).
        self.idle_tasks: list[Callable[[], object]] = []
        # Run when `shutdown` arrives, before it is answered; first of all, stop publishing.
        self.shutdown_tasks: list[Callable[[], object]] = [self.stop_publishing]
        self.publishing = True
        # Called after each publication with the server, the document's URI and its snapshot (views that
        # follow it; registry.PUBLISH_LISTENERS).
        self.publish_listeners: list[Callable[[WitxServer, str, Snapshot], None]] = []
        self.idle_handle: asyncio.TimerHandle | None = None
        self._cycles_handle: asyncio.TimerHandle | None = None
        self.handler_state = HandlerState()  # what handlers keep between requests

    @property
    def witx_protocol(self) -> WitxProtocol:
        assert isinstance(self.protocol, WitxProtocol)
        return self.protocol

    # --- errors go to the log, not to message boxes ------------------------------------------

    def report_server_error(self, error: Exception, source: Any) -> None:
        if log_noise.is_user_error(error):  # answered as an error response: the user's, not ours
            log.debug("answered with an error (%s): %s", getattr(source, "__name__", source), error)
            return
        log.exception("internal error (%s): %s", getattr(source, "__name__", source), error, exc_info=error)

    # --- documents and snapshots -------------------------------------------------------------

    @property
    def host(self) -> AnalysisHost:
        """The analysis host, with the latest text of every edited document."""
        self.flush_edits()
        return self._host

    def document_edited(self, uri: str) -> None:
        """didChange: the text is taken (and parsed) when something needs it, so a burst
        of edits is analysed once, at its latest text."""
        self._edited[uri] = None
        # With the open documents whose analyses read it, so that theirs are out with its own.
        readers = self.open_uris(self._host.readers_of(self.path_of(uri)))
        self.schedule_diagnostics([uri, *(u for u in readers if u != uri)])

    def flush_edits(self) -> None:
        if self._flushing or not self._edited:
            return
        self._flushing = True
        try:
            while self._edited:
                uri, _ = self._edited.popitem()
                doc = self.workspace.text_documents.get(uri)
                if doc is None:
                    continue
                affected = self._host.set_text(self.path_of(uri), doc.source)
                # (those already waiting, since the edit, are not put back to the start of the wait)
                self.schedule_diagnostics([u for u in self.open_uris(affected) if u != uri and u not in self.pending])
        finally:
            self._flushing = False

    @property
    def encoding(self) -> PositionEncoding:
        try:
            return convert.encoding_of(self.workspace.position_encoding)
        except (AttributeError, RuntimeError):
            return PositionEncoding.UTF16

    def path_of(self, uri: str) -> str:
        path = self._host.path_of_uri(uri)
        self.uri_of.setdefault(path, uri)
        return path

    def uri_for(self, path: str) -> str:
        return self.uri_of.get(path) or convert.path_to_uri(path)

    def is_open(self, uri: str) -> bool:
        return uri in self.workspace.text_documents

    def version_of(self, uri: str) -> int | None:
        doc = self.workspace.text_documents.get(uri)
        return doc.version if doc is not None else None

    def snapshot(self, uri: str) -> Snapshot | None:
        """The current analysis of a document, or None for an unknown document (or a URI
        that names no file)."""
        try:
            path = self.path_of(uri)
            if not self.is_open(uri) and path not in self.host.known:
                # Trust: from disk, only files under the workspace folders (never /etc/shadow).
                if not os.path.isfile(path) or not self.index.contains(path):
                    return None
                self.host.add_files([path])
        except (OSError, ValueError):
            return None
        self.reread_changed_files(path)
        return self.host.snapshot(path)

    def reread_changed_files(self, path: str) -> None:
        """Files changed on disk since an analysis read them are seen when it is next used,
        with or without file watching; the open documents they affect get new diagnostics."""
        affected = self.host.refresh_from_disk(path)
        if affected:
            log.info("changed on disk: %s", ", ".join(sorted(affected)))
            with contextlib.suppress(RuntimeError):  # no running loop: nothing to schedule
                self.schedule_diagnostics(self.open_uris(affected))

    def require_snapshot(self, uri: str) -> Snapshot:
        """`snapshot` for commands that cannot answer without the document: an unknown one
        is the caller's error (InvalidParams)."""
        snap = self.snapshot(uri)
        if snap is None:
            raise JsonRpcInvalidParams(f"unknown document: {uri}")
        return snap

    def lines_of(self, snap: Snapshot, *, workspace: bool = False) -> LineMap:
        """The line indexes of the files an answer about `snap` points into: those of its
        analysis (each file's own, `SourceFile.lines`), and with `workspace` those of any
        file the host knows (references and renames reach beyond the analysis)."""
        files = snap.analysis.files

        def find(path: str) -> LineIndex | None:
            f = files.get(path)
            if f is None and workspace:
                f = self.host.source_file(path)
            return f.lines if f is not None else None

        return LineMap(find)

    # --- diagnostics -------------------------------------------------------------------------

    def lsp_diagnostics(self, snap: Snapshot) -> list[types.Diagnostic]:
        lines = self.lines_of(snap)
        related = bool(self.client_flag("text_document", "publish_diagnostics", "related_information",
                                         default=True))
        own = cap_per_file([d for d in self.diagnostics_of(snap.analysis) if d.path == snap.path])
        return [convert.diagnostic(d, lines, self.encoding, related) for d in own]

    def document_diagnostics(self, uri: str) -> list[types.Diagnostic] | None:
        """The diagnostics of a document, also of an open one that is not analysed (over
        the size limit: E0404); None for an unknown document."""
        snap = self.snapshot(uri)
        if snap is not None:
            return self.lsp_diagnostics(snap)
        if not self.is_open(uri):
            return None
        path = self.path_of(uri)
        own = cap_per_file([d for d in self.diagnostics_of(self.host.analysis_for(path)) if d.path == path])
        return [convert.diagnostic(d, LineMap.of_texts({}), self.encoding, False) for d in own]

    def diagnostics_of(self, analysis: Analysis) -> list[Diagnostic]:
        return self.host.diagnostics.of(analysis, self.settings.severity, self.settings.preview_config or None)

    def schedule_diagnostics(self, uris: list[str]) -> None:
        """Debounced publication (per document, on the event loop; no threads)."""
        for uri in uris:
            if (task := self.pending.pop(uri, None)) is not None:
                task.cancel()
            self.pending[uri] = asyncio.get_running_loop().create_task(self._publish_later(uri))

    async def _publish_later(self, uri: str) -> None:
        try:
            asyncio.get_running_loop().call_soon(self._host.release)  # while the debounce runs
            await asyncio.sleep(self.settings.debounce_ms / 1000)
            # A file is never judged before its includers are known (see WorkspaceIndex.wait).
            await self.index.wait()
        except asyncio.CancelledError:
            return
        if self.pending.get(uri) is asyncio.current_task():
            del self.pending[uri]
        self.publish(uri)

    def stop_publishing(self) -> None:
        """At `shutdown`: after its answer the client expects nothing but the end (LSP 3.17, Shutdown
        Request), so pending publications are dropped and no later one or refresh request goes out."""
        self.publishing = False
        for task in self.pending.values():
            task.cancel()
        self.pending.clear()

    def publish(self, uri: str) -> None:
        """Deliver the current diagnostics of an open document on the client's channel:
        pushed, or (pull clients) a refresh request that makes the client pull them."""
        if not self.publishing or not self.is_open(uri):
            return
        if self.pull_diagnostics:
            self.request_diagnostic_refresh()
            self.schedule_idle_tasks()
            return
        version = self.version_of(uri)
        items = self.document_diagnostics(uri)
        if items is None:
            return
        if self.version_of(uri) != version:
            return  # an edit arrived meanwhile: its own publication follows
        self.published[uri] = version
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version))
        snap = self.snapshot(uri)  # cached: the analysis the diagnostics came from
        if snap is not None:
            for listener in self.publish_listeners:
                listener(self, uri, snap)
        self.schedule_idle_tasks()

    def schedule_idle_tasks(self) -> None:
        """Run the idle tasks (saving the code cache, the start-up garbage) shortly after the first
        diagnostics are delivered, pushed or made ready for a pull client; and collect the cycles of
        the frozen heap, which the analyses' objects join (`AnalysisHost.collect_cycles`), once
        no diagnostics were delivered for CYCLES_IDLE_S."""
        if self._cycles_handle is not None:
            self._cycles_handle.cancel()
        self._cycles_handle = asyncio.get_running_loop().call_later(CYCLES_IDLE_S, self._host.collect_cycles)
        if self.idle_tasks:
            self.idle_handle = self.idle_handle or asyncio.get_running_loop().call_later(
                IDLE_DELAY_S, self._run_idle_tasks)

    def request_diagnostic_refresh(self) -> None:
        """`workspace/diagnostic/refresh`, once for all the publications of one turn of the loop."""
        if not self.pull_diagnostics or self._refresh_pending or not self.publishing:
            return
        self._refresh_pending = True
        asyncio.get_running_loop().create_task(self._send_refresh())

    async def _send_refresh(self) -> None:
        await asyncio.sleep(0)
        self._refresh_pending = False
        if not self.publishing:
            return
        try:
            await self.workspace_diagnostic_refresh_async(None)
        except Exception:  # a client may refuse it; its next pull is still right
            log.info("the client refused workspace/diagnostic/refresh", exc_info=True)

    def _run_idle_tasks(self) -> None:
        tasks, self.idle_tasks, self.idle_handle = self.idle_tasks, [], None
        for task in tasks:
            try:
                task()
            except Exception:
                log.exception("idle task %r failed", task)

    def open_uris(self, paths: set[str]) -> list[str]:
        """The open documents among `paths` (the files an edit may affect)."""
        return [uri for uri in list(self.workspace.text_documents) if self.path_of(uri) in paths]

    # --- workspace ---------------------------------------------------------------------------

    def client_flag(self, *attrs: str, default: Any = None) -> Any:
        node: Any = self.client_capabilities
        for a in attrs:
            node = getattr(node, a, None)
            if node is None:
                return default
        return node

    def apply_settings(self, raw: Any) -> None:
        settings, problems = parse_settings(raw)
        self.settings = settings
        for listener in self.settings_listeners:
            listener(self, settings)
        # The more verbose of the setting and the command line (the root logger's level).
        level = min(logging.getLevelName(settings.log_level.upper()), logging.getLogger().level)
        logging.getLogger("witx_lsp").setLevel(level)
        if problems:
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Warning,
                message="witx-lsp: invalid settings, using defaults for: " + "; ".join(problems)))


def create_server() -> WitxServer:
    """A server with every handler of `registry.py` registered."""
    from witx_lsp.server import registry  # imported here: the handler modules import this one

    server = WitxServer()
    registry.register(server)
    return server


def configure_logging(level: str = "WARNING") -> None:
    handler = logging.StreamHandler()  # stderr: stdout carries the protocol
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("pygls", "pygls.protocol", "pygls.server", "pygls.feature_manager"):
        logging.getLogger(name).setLevel("WARNING")
    log_noise.install()

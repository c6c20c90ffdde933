"""args, environ, clocks, random, proc, sched, poll and sock functions of the
preview1 host, answering as wasmtime's (crates/wasi/src/preview1.rs)."""

from __future__ import annotations

import os
import time
from typing import Any

from witx_lsp.wasi.fdtable import File, Stdio
from witx_lsp.wasi.host_base import HostBase, R, WasiError, guarded
from witx_lsp.wiggle.runtime import U8, Err, GuestPtr, Ok, SlicePtr


class ProcExit(Exception):
    """`proc_exit(code)`: ends the guest (the runner reports `code`)."""

    def __init__(self, code: int) -> None:
        super().__init__(f"proc_exit({code})")
        self.code = code


def _put_strings(items: list[bytes], ptrs: GuestPtr[Any], buf: GuestPtr[int]) -> None:
    # wasmtime writes, for each string: the pointer, the bytes, then the NUL
    mem = ptrs.mem()
    at = buf.offset()
    p = ptrs
    for item in items:
        p.write(GuestPtr(mem, at, U8))
        SlicePtr(mem, at, len(item), U8).copy_from_slice(item)
        GuestPtr(mem, at + len(item), U8).write(0)
        at += len(item) + 1
        p = p.add(1)


def _sizes(items: list[bytes]) -> tuple[int, int]:
    return len(items), sum(len(i) + 1 for i in items)


class MiscHost(HostBase):
    argv: list[bytes]
    environ: list[bytes]

    def args_sizes_get(self) -> R:
        return Ok(_sizes(self.argv))

    def args_get(self, argv: GuestPtr[Any], argv_buf: GuestPtr[int]) -> R:
        _put_strings(self.argv, argv, argv_buf)
        return Ok(None)

    def environ_sizes_get(self) -> R:
        return Ok(_sizes(self.environ))

    def environ_get(self, environ: GuestPtr[Any], environ_buf: GuestPtr[int]) -> R:
        _put_strings(self.environ, environ, environ_buf)
        return Ok(None)

    def clock_res_get(self, id: str) -> R:
        # wasmtime's wall and monotonic clocks both report a 1 ns resolution; CPU-time clocks: badf
        return Ok(1) if id in ("realtime", "monotonic") else Err("badf")

    def clock_time_get(self, id: str, precision: int) -> R:
        if id == "realtime":
            return Ok(time.time_ns())
        if id == "monotonic":
            return Ok(time.monotonic_ns())
        return Err("badf")

    def random_get(self, buf: GuestPtr[int], buf_len: int) -> R:
        if buf_len:  # nothing to fill: the pointer is not even checked
            buf.as_array(buf_len).copy_from_slice(self.config.random(buf_len))
        return Ok(None)

    def proc_exit(self, rval: int) -> BaseException:
        if rval >= 126:
            return RuntimeError("exit with invalid exit status outside of [0..126)")
        return ProcExit(rval)

    def proc_raise(self, sig: str) -> R:
        return Err("notsup")

    def sched_yield(self) -> R:
        return Ok(None)

    @guarded
    def sock_accept(self, fd: int, flags: frozenset[str]) -> R:
        self.descriptor(fd)
        return Err("notsock")

    @guarded
    def sock_recv(self, fd: int, ri_data: Any, ri_flags: frozenset[str]) -> R:
        self.descriptor(fd)
        return Err("notsock")

    @guarded
    def sock_send(self, fd: int, si_data: Any, si_flags: int) -> R:
        self.descriptor(fd)
        return Err("notsock")

    @guarded
    def sock_shutdown(self, fd: int, how: frozenset[str]) -> R:
        self.descriptor(fd)
        return Err("notsock")

    # poll_oneoff: fds (files and stdio) are ready at once, as wasi:io streams over them are; clocks
    # only count when no fd is ready (observed on wasmtime-py 50: with stdout ready, an expired
    # clock is not reported); clock events carry nbytes 0
    @guarded
    def poll_oneoff(self, in_: GuestPtr[Any], out: GuestPtr[Any], nsubscriptions: int) -> R:
        if nsubscriptions == 0:
            return Err("inval")  # "indefinite sleeping is not supported in preview1"
        subs = [in_.add(i).read() for i in range(nsubscriptions)]
        deadlines: dict[int, int] = {}  # subscription index -> monotonic deadline
        ready: dict[int, Any] = {}  # subscription index -> event
        for i, sub in enumerate(subs):
            case, payload = sub.u
            if case == "clock":
                deadlines[i] = self._deadline(payload)
            else:
                ready[i] = self._fd_event(sub.userdata, case, payload.file_descriptor)
        while not ready:
            now = time.monotonic_ns()
            for i, at in deadlines.items():
                if at <= now:
                    ready[i] = _event(subs[i].userdata, "clock", 0, frozenset())
            if not ready:
                time.sleep(max(0, min(deadlines.values()) - now) / 1e9)
        for n, i in enumerate(sorted(ready)):
            out.add(n).write(ready[i])
        return Ok(len(ready))

    def _deadline(self, clock: Any) -> int:
        absolute = "subscription_clock_abstime" in clock.flags
        now = time.monotonic_ns()
        timeout: int = clock.timeout
        if clock.id == "monotonic":
            return timeout if absolute else now + timeout
        if clock.id == "realtime":
            return now + (max(0, timeout - time.time_ns()) if absolute else timeout)
        raise WasiError("inval")

    def _fd_event(self, userdata: int, case: str, fd: int) -> Any:
        desc = self.descriptor(fd)
        if case == "fd_read":
            if type(desc) is Stdio and desc.number == 0:
                return _event(userdata, case, 1, frozenset())
            if type(desc) is File:
                left = os.fstat(desc.host_fd).st_size - desc.position
                return _event(userdata, case, 1, frozenset() if left > 0 else frozenset({"fd_readwrite_hangup"}))
        elif (type(desc) is Stdio and desc.output) or type(desc) is File:
            return _event(userdata, case, 1, frozenset())
        raise WasiError("badf")


def _event(userdata: int, type_: str, nbytes: int, flags: frozenset[str]) -> dict[str, Any]:
    return {"userdata": userdata, "error": "success", "type": type_,
            "fd_readwrite": {"nbytes": nbytes, "flags": flags}}

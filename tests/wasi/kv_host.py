"""A Python prototype of the example `kv_store` interface (examples/kv_store),
as a witx author would write one to watch a guest use it with
`witx-lsp run --host kv_store:tests.wasi.kv_host:KvStore --trace`."""

from __future__ import annotations

from typing import Any

from witx_lsp.wiggle.runtime import Err, GuestPtr, Ok, SlicePtr, StrPtr


class Abort(Exception):
    """`abort(status)`: the guest gave up."""


class KvStore:
    def __init__(self) -> None:
        self.stores: dict[int, dict[bytes, tuple[int, bytes, Any]]] = {}
        self.names: dict[str, int] = {}

    def open(self, name: StrPtr, flags: frozenset[str]) -> Ok[int] | Err[str]:
        text = name.as_bytes().to_bytes().decode()
        if text not in self.names:
            if "create" not in flags:
                return Err("no_entry")
            self.names[text] = len(self.names) + 1
            self.stores[self.names[text]] = {}
        return Ok(self.names[text])

    def close(self, store: int) -> Ok[None] | Err[str]:
        return Ok(None) if store in self.stores else Err("inval")

    def get(self, store: int, key: StrPtr, consistency: str, buf: GuestPtr[int], buf_len: int) -> Ok[int] | Err[str]:
        entry = self.stores.get(store, {}).get(key.as_bytes().to_bytes())
        if entry is None:
            return Err("no_entry")
        value = entry[1]
        if len(value) > buf_len:
            return Err("too_small")
        buf.as_array(len(value)).copy_from_slice(value)
        return Ok(len(value))

    def stat(self, store: int, key: StrPtr) -> Ok[dict[str, Any]] | Err[str]:
        entry = self.stores.get(store, {}).get(key.as_bytes().to_bytes())
        if entry is None:
            return Err("no_entry")
        version, value, expiry = entry
        return Ok({"version": version, "written": 1_700_000_000_000_000_000, "len": len(value), "expiry": expiry,
                   "flags": frozenset({"pinned"})})

    def set(self, store: int, key: StrPtr, value: SlicePtr[int], expiry: Any) -> Ok[int] | Err[str]:
        entries = self.stores.get(store)
        if entries is None:
            return Err("inval")
        k = key.as_bytes().to_bytes()
        version = entries[k][0] + 1 if k in entries else 1
        entries[k] = (version, value.to_bytes(), expiry)
        return Ok(version)

    def set_if(self, store: int, guards: SlicePtr[Any], key: StrPtr, value: SlicePtr[int]) -> Ok[int] | Err[str]:
        return Err("conflict")

    def delete(self, store: int, key: StrPtr) -> Ok[None] | Err[str]:
        entries = self.stores.get(store, {})
        return Ok(None) if entries.pop(key.as_bytes().to_bytes(), None) else Err("no_entry")

    def usage(self, store: int) -> Ok[tuple[int, int]] | Err[str]:
        entries = self.stores.get(store, {})
        return Ok((len(entries), sum(len(v[1]) for v in entries.values())))

    def abort(self, status: int) -> BaseException:
        return Abort(f"the guest aborted with status {status}")

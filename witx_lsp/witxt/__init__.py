"""The reference `witxt` test format (WebAssembly/WASI tools/witx/tests/witxt.rs)."""

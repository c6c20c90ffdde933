"""Server settings, from initializationOptions and workspace/configuration
(section `witx`). Parsed leniently: every bad value is reported and replaced by
its default, never an exception."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from witx_lsp.base.diagnostic import SEVERITY_LEVELS, Severity


@dataclass
class Settings:
    severity: dict[str, Severity | None] = field(default_factory=dict)  # code -> severity (None: off)
    debounce_ms: int = 150
    inlay_offsets: bool = True
    inlay_values: bool = True
    inlay_tags: bool = True
    lens_layout: bool = True
    lens_signature: bool = True
    lens_preview: bool = True
    lens_wit: bool = True  # witx.codeLens.wit: "Show as WIT" over each module
    log_level: str = "warning"  # or the command line's `--log-level`, whichever says more
    hover_rust: bool = False  # witx.hover.rust: the Rust forms wiggle generates, in hovers
    preview_config: str = ""  # witx.preview.config: the wiggle::from_witx! braced argument text


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Settings from a JSON-like value, and the problems found (each replaced by its default)."""
    s = Settings()
    problems: list[str] = []
    if raw is None:
        return s, problems
    if not isinstance(raw, dict):
        return s, [f"witx settings must be an object, not {type(raw).__name__}; using the defaults"]
    if isinstance(raw.get("witx"), dict):  # accept {"witx": {...}} as well as the section itself
        raw = raw["witx"]

    def section(name: str) -> dict[str, Any]:
        v = raw.get(name, {})
        if v is None:
            return {}
        if not isinstance(v, dict):
            problems.append(f"witx.{name} must be an object; using its defaults")
            return {}
        return v

    diags = section("diagnostics")
    sev = diags.get("severity", {})
    if isinstance(sev, dict):
        for code, value in sev.items():
            if isinstance(value, str) and value.lower() in SEVERITY_LEVELS and isinstance(code, str):
                s.severity[code] = SEVERITY_LEVELS[value.lower()]
            else:
                problems.append(f"witx.diagnostics.severity.{code}: expected one of error, warning, information, "
                                f"hint, off; got {value!r}")
    elif sev is not None:
        problems.append("witx.diagnostics.severity must be an object mapping codes to severities")
    deb = diags.get("debounceMs", s.debounce_ms)
    if isinstance(deb, int) and not isinstance(deb, bool) and 0 <= deb <= 10_000:
        s.debounce_ms = deb
    else:
        problems.append(f"witx.diagnostics.debounceMs: expected an integer from 0 to 10000, got {deb!r}")

    def flag(sec: dict[str, Any], key: str, default: bool, where: str) -> bool:
        v = sec.get(key, default)
        if isinstance(v, bool):
            return v
        problems.append(f"{where}.{key}: expected true or false, got {v!r}")
        return default

    hints = section("inlayHints")
    s.inlay_offsets = flag(hints, "offsets", s.inlay_offsets, "witx.inlayHints")
    s.inlay_values = flag(hints, "values", s.inlay_values, "witx.inlayHints")
    s.inlay_tags = flag(hints, "tags", s.inlay_tags, "witx.inlayHints")
    lens = section("codeLens")
    s.lens_layout = flag(lens, "layout", s.lens_layout, "witx.codeLens")
    s.lens_signature = flag(lens, "signature", s.lens_signature, "witx.codeLens")
    s.lens_preview = flag(lens, "preview", s.lens_preview, "witx.codeLens")
    s.lens_wit = flag(lens, "wit", s.lens_wit, "witx.codeLens")
    s.hover_rust = flag(section("hover"), "rust", s.hover_rust, "witx.hover")
    preview = section("preview").get("config", "")
    if isinstance(preview, str):
        s.preview_config = preview
    else:
        problems.append(f"witx.preview.config: expected the wiggle::from_witx! argument text, got {preview!r}")
    level = raw.get("logLevel", s.log_level)
    if isinstance(level, str) and level.lower() in ("error", "warning", "info", "debug"):
        s.log_level = level.lower()
    else:
        problems.append(f"witx.logLevel: expected error, warning, info or debug, got {level!r}")
    return s, problems

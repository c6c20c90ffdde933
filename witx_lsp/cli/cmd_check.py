"""`witx-lsp check PATH...`: load witx files and report their diagnostics.

Workspace semantics: PATHs are files and directories (searched recursively for
`*.witx`, sorted, hidden files and directories skipped). A file that another
given file `use`s is checked in its includer's context, not alone: the roots are
the given files that no other given file reaches through `use` (of a use-cycle
with no includer outside it, the first file in sorted order is the root). Each
root is analysed on its own, as `analyze([root])`; `--together` loads every file
into one analysis instead, as `witx::load(&[paths])` does.

Every candidate is analysed once (that analysis is also the one reported when
the candidate turns out to be a root); with four or more candidates this runs in
worker processes. Output is sorted by path then position, so it does not depend
on the number of workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TextIO

from witx_lsp.base.diagnostic import Diagnostic, Severity
from witx_lsp.base.span import Span
from witx_lsp.base.vfs import DiskProvider
from witx_lsp.cli.diagnostic_output import FORMATS, Report, render, terminal_safe, write_text
from witx_lsp.features.diagnostics import apply_overrides, collect, parse_override
from witx_lsp.model.analysis import analyze

# Below this many analyses, starting worker processes costs more than it saves.
PARALLEL_MIN_ROOTS = 4
WITX_SUFFIX = ".witx"


@dataclass
class RootResult:
    """What one analysis yields, in a form that crosses process boundaries cheaply."""

    roots: tuple[str, ...]  # canonical paths
    diagnostics: list[Diagnostic] = field(default_factory=list)
    uses: dict[str, tuple[str, ...]] = field(default_factory=dict)  # every file read -> the files it uses
    texts: dict[str, str] = field(default_factory=dict)  # text of the files that diagnostics point into
    error: str | None = None  # traceback of an internal error


def check_roots(roots: tuple[str, ...]) -> RootResult:
    """Analyse `roots` together; never raises (an internal error is returned as text)."""
    result = RootResult(roots)
    try:
        analysis = analyze(list(roots), DiskProvider())
        diagnostics = collect(analysis)
        result.uses = {path: f.uses for path, f in analysis.files.items()}
        wanted = {d.path for d in diagnostics} | {r.path for d in diagnostics for r in d.related}
        result.texts = {p: analysis.files[p].text for p in sorted(wanted) if p in analysis.files}
        result.diagnostics = diagnostics
    except Exception:
        result.error = traceback.format_exc()
    return result


# --- inputs --------------------------------------------------------------------------------


@dataclass
class Inputs:
    files: list[str] = field(default_factory=list)  # canonical, deduplicated, in the order given
    shown: dict[str, str] = field(default_factory=dict)  # canonical -> the path as given
    problems: list[Diagnostic] = field(default_factory=list)  # directories that could not be listed
    empty: list[str] = field(default_factory=list)  # directories holding no witx file

    def add(self, canonical: str, given: str, is_file: bool = True) -> None:
        self.shown.setdefault(canonical, os.path.normpath(given))
        if is_file and canonical not in self.files:
            self.files.append(canonical)


def _walk(top: str, inputs: Inputs, provider: DiskProvider) -> list[str]:
    found: list[str] = []

    def failed(e: OSError) -> None:
        where = str(e.filename) if e.filename is not None else top
        canonical = provider.canonical(where)
        inputs.add(canonical, where, is_file=False)
        inputs.problems.append(Diagnostic("E0408", Severity.ERROR, f"IO error with directory {where}: "
                                          f"{e.strerror or e}", canonical, Span(0, 0)))

    for dirpath, dirnames, filenames in os.walk(top, onerror=failed):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += (os.path.join(dirpath, n) for n in filenames if n.endswith(WITX_SUFFIX) and not n.startswith("."))
    return sorted(found)


def expand(paths: Iterable[str], provider: DiskProvider) -> Inputs:
    """Files and directories to the witx files to check. Never opens a file: whatever
    is not a directory is handed to the loader, which diagnoses what it cannot read."""
    inputs = Inputs()
    for given in paths:
        if os.path.isdir(given):
            found = _walk(given, inputs, provider)
            if not found:
                inputs.empty.append(given)
            for f in found:
                inputs.add(provider.canonical(f), f)
        else:
            inputs.add(provider.canonical(given), given)
    return inputs


def make_display(shown: Mapping[str, str], cwd: str) -> Callable[[str], str]:
    """Canonical path -> printed path: as given on the command line, otherwise
    relative to the working directory when they share more than the root."""
    real_cwd = os.path.realpath(cwd)
    cache: dict[str, str] = {}

    def display(path: str) -> str:
        if path in shown:
            return shown[path]
        if path not in cache:
            out = path
            try:
                common = os.path.commonpath([path, real_cwd])
                if os.path.isabs(path) and common != os.path.dirname(common):
                    out = os.path.relpath(path, real_cwd)
            except ValueError:
                pass
            cache[path] = out
        return cache[path]

    return display


# --- roots ---------------------------------------------------------------------------------


def _reachable(start: str, uses: Mapping[str, tuple[str, ...]]) -> set[str]:
    seen: set[str] = set()
    stack = list(uses.get(start, ()))
    while stack:
        path = stack.pop()
        if path not in seen:
            seen.add(path)
            stack.extend(uses.get(path, ()))
    return seen


def pick_roots(candidates: Sequence[str], uses: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The candidates that no other candidate reaches through `use`; of a cycle that
    nothing outside it reaches, the first in sorted order."""
    reach = {c: _reachable(c, uses) for c in candidates}
    roots = []
    for c in candidates:
        includers = [d for d in candidates if d != c and c in reach[d]]
        if any(d not in reach[c] for d in includers):
            continue  # reached from outside its own cycle (or from a plain includer)
        if includers and min([c, *includers]) != c:
            continue  # a cycle with no outside includer: only its first file is a root
        roots.append(c)
    return roots


# --- running -------------------------------------------------------------------------------


def _isolated(task: tuple[str, ...]) -> RootResult:
    """Re-run one analysis whose worker died, in a process of its own."""
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(check_roots, task).result()
    except BrokenProcessPool:
        return RootResult(task, error="the worker process analysing it died\n")
    except (OSError, RuntimeError, NotImplementedError, ImportError) as e:
        return RootResult(task, error=f"cannot start a worker process: {e}\n")


def run_all(tasks: Sequence[tuple[str, ...]], jobs: int) -> list[RootResult]:
    """check_roots over tasks, in worker processes when there are enough of them."""
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_ROOTS:
        return [check_roots(t) for t in tasks]
    results: list[RootResult | None] = [None] * len(tasks)
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            futures = [pool.submit(check_roots, t) for t in tasks]
            for i, future in enumerate(futures):
                try:
                    results[i] = future.result()
                except BrokenProcessPool:
                    results[i] = None  # re-run on its own below
                except Exception:  # the result did not survive the trip back, say
                    results[i] = RootResult(tasks[i], error=traceback.format_exc())
    except (OSError, NotImplementedError, ImportError):
        # No process support here (no semaphores, say): check in this process.
        return [r if r is not None else check_roots(t) for r, t in zip(results, tasks, strict=True)]
    return [r if r is not None else _isolated(t) for r, t in zip(results, tasks, strict=True)]


def check_workspace(files: Sequence[str], jobs: int) -> list[RootResult]:
    single = run_all([(f,) for f in files], jobs)
    uses: dict[str, tuple[str, ...]] = {}
    for r in single:
        uses.update(r.uses)
    roots = set(pick_roots(files, uses))
    return [r for f, r in zip(files, single, strict=True) if f in roots]


def use_color(mode: str, stream: TextIO) -> bool:
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def run(args: argparse.Namespace) -> int:
    provider = DiskProvider()
    inputs = expand(args.paths, provider)
    for directory in inputs.empty:
        write_text(sys.stderr, f"witx-lsp: no {WITX_SUFFIX} files in {terminal_safe(directory)}\n")
    if args.together:
        results = [check_roots(tuple(inputs.files))] if inputs.files else []
    else:
        results = check_workspace(inputs.files, args.jobs)

    display = make_display(inputs.shown, os.getcwd())
    overrides = dict(args.severity or [])
    unique = dict.fromkeys(apply_overrides([*inputs.problems, *(d for r in results for d in r.diagnostics)],
                                           overrides))
    diagnostics = sorted(unique, key=lambda d: (display(d.path), d.span.start, d.span.end, d.severity,
                                                d.code, d.message))
    texts: dict[str, str] = {}
    files: set[str] = set()
    for r in results:
        texts.update(r.texts)
        files.update(r.uses, r.roots)
    failed = [r for r in results if r.error is not None]
    for r in failed:
        names = ", ".join(display(p) for p in r.roots)
        write_text(sys.stderr, f"witx-lsp: internal error while checking {terminal_safe(names)}:\n{r.error}")

    report = Report(diagnostics, texts, display, len(files), [display(p) for r in failed for p in r.roots])
    write_text(sys.stdout, render(args.format, report, use_color(args.color, sys.stdout)))

    severities = {d.severity for d in diagnostics}
    if failed or Severity.ERROR in severities or (args.werror and Severity.WARNING in severities):
        return 1
    return 0


def _override(text: str) -> tuple[str, Severity | None]:
    try:
        return parse_override(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "check", help="report the diagnostics of witx files",
        description="Load witx files (and what they `use`) and report their diagnostics. A directory stands "
                    "for every *.witx file below it; a file that another given file uses is checked in that "
                    "file's context. Exit status: 0 no errors, 1 errors, 2 usage error.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="witx files and directories")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour text output (default: auto, when stdout is a terminal and NO_COLOR is unset)")
    p.add_argument("--werror", action="store_true", help="exit with status 1 on warnings too")
    p.add_argument("--together", action="store_true",
                   help="load all files into one document instead of checking each root on its own")
    p.add_argument("--jobs", "-j", type=_positive_int, default=os.cpu_count() or 1, metavar="N",
                   help="worker processes when there are 4 or more roots (default: the number of CPUs)")
    p.add_argument("--severity", type=_override, action="append", metavar="CODE=LEVEL",
                   help="report CODE at LEVEL (error, warning, information, hint) or not at all (off); repeatable")
    p.set_defaults(func=run)

"""Fills bundled/libs with the witx_lsp package (and its grammar) and the pure-Python runtime
dependencies pinned in server-requirements.txt, so that the extension runs the server as
`python -S -m witx_lsp` with PYTHONPATH=bundled/libs, without pip.

Each dependency comes from, in this order: the running interpreter's environment when it has
exactly the pinned version installed (no network), a wheel in .cache/wheels, or
`pip download` (PyPI). Only pure-Python wheels are accepted. Finally the bundle is imported with
`-S` to prove that the server starts from it alone, and without importing wasmtime.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # vscode-extension/
REPO = HERE.parent
LIBS = HERE / "bundled" / "libs"
CACHE = HERE / ".cache" / "wheels"
NOT_BUNDLED = {"wasmtime"}  # native; the runtime features fail gracefully without it

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip vendors it
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]


def fail(message: str) -> None:
    sys.stderr.write(f"bundle-server: {message}\n")
    sys.exit(1)


def pins() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for line in (HERE / "server-requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, version = line.partition("==")
        out[canonicalize_name(name)] = (name.strip(), version.strip())
    return out


def project_dependencies() -> list[Requirement]:
    text = (REPO / "pyproject.toml").read_text()
    m = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.S | re.M)
    if not m:
        fail("no dependencies in ../pyproject.toml")
    return [Requirement(s) for s in re.findall(r'"([^"]+)"', m.group(1))]


def copy_installed(name: str, version: str) -> bool:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    if dist.version != version or not dist.files:
        return False
    base = Path(str(dist.locate_file("")))
    for f in dist.files:
        rel = Path(str(f))
        if rel.parts[0] == ".." or "__pycache__" in rel.parts or rel.suffix == ".pyc":
            continue
        src = base / rel
        if not src.is_file():
            continue
        dst = LIBS / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
    return True


def wheel_for(name: str, version: str) -> Path:
    pattern = f"{canonicalize_name(name).replace('-', '_')}-{version}-*.whl"
    found = sorted(CACHE.glob(pattern))
    if not found:
        CACHE.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "-d", str(CACHE), f"{name}=={version}"]
        if subprocess.run(cmd).returncode != 0:
            fail(f"cannot get {name}=={version}: not installed in {sys.executable} and pip download failed")
        found = sorted(CACHE.glob(pattern))
    if not found:
        fail(f"pip download of {name}=={version} left no wheel matching {pattern}")
    return found[0]


def extract_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        wheel_meta = next((n for n in z.namelist() if n.endswith(".dist-info/WHEEL")), None)
        if wheel_meta is None or "Root-Is-Purelib: true" not in z.read(wheel_meta).decode():
            fail(f"{wheel.name} is not a pure-Python wheel")
        for info in z.infolist():
            parts = Path(info.filename).parts
            if not parts or parts[0].endswith(".data") or info.is_dir():
                continue
            z.extract(info, LIBS)


def check_metadata(pinned: dict[str, tuple[str, str]]) -> None:
    for req in project_dependencies():
        key = canonicalize_name(req.name)
        if key in NOT_BUNDLED:
            continue
        if key not in pinned:
            fail(f"../pyproject.toml depends on {req}, which server-requirements.txt does not pin")
        if not req.specifier.contains(pinned[key][1], prereleases=True):
            fail(f"the pin {pinned[key][0]}=={pinned[key][1]} does not satisfy ../pyproject.toml's {req}")
    for dist_info in LIBS.glob("*.dist-info"):
        meta = (dist_info / "METADATA").read_text(encoding="utf-8")
        for line in meta.splitlines():
            if not line.startswith("Requires-Dist:"):
                continue
            req = Requirement(line.split(":", 1)[1].strip())
            if req.marker is not None and "extra" in str(req.marker):
                continue
            if req.marker is not None and not any(
                    req.marker.evaluate({"python_version": v, "extra": ""}) for v in ("3.10", "3.11", "3.12", "3.13", "3.14")):
                continue
            key = canonicalize_name(req.name)
            if key not in pinned:
                fail(f"{dist_info.name} requires {req}, which server-requirements.txt does not pin")
            if not req.specifier.contains(pinned[key][1], prereleases=True):
                fail(f"{dist_info.name} requires {req}; the pin is {pinned[key][1]}")


def copy_server() -> None:
    shutil.copytree(REPO / "witx_lsp", LIBS / "witx_lsp",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo"))
    grammar = LIBS / "witx_lsp" / "grammar"
    grammar.mkdir(exist_ok=True)
    for src in sorted((REPO / "grammar").glob("*.lark")):
        shutil.copy2(src, grammar / src.name)
    if not (grammar / "witx.lark").is_file():
        fail("grammar/witx.lark is missing")


def smoke_test() -> None:
    code = ("import sys, witx_lsp, witx_lsp.server.app as app, witx_lsp.cli.main as m; app.create_server(); m.build_parser(); "
            "bad = sorted(n for n in sys.modules if n.split('.')[0] == 'wasmtime'); "
            "assert not bad, 'importing the server imports wasmtime: %s' % bad; "
            "from witx_lsp.syntax.grammar import grammar_text; assert grammar_text(); print(witx_lsp.__version__)")
    env = {"PYTHONPATH": str(LIBS), "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, cwd=str(HERE.parent.parent))
    if res.returncode != 0:
        fail(f"the bundle does not import with -S:\n{res.stderr}")
    return res.stdout.strip()


def main() -> None:
    pinned = pins()
    if LIBS.exists():
        shutil.rmtree(LIBS)
    LIBS.mkdir(parents=True)
    sources = {}
    for name, version in pinned.values():
        if copy_installed(name, version):
            sources[name] = f"{version} (installed)"
        else:
            extract_wheel(wheel_for(name, version))
            sources[name] = f"{version} (wheel)"
    copy_server()
    check_metadata(pinned)
    native = [str(p.relative_to(LIBS)) for p in LIBS.rglob("*") if p.suffix in (".so", ".pyd", ".dylib", ".dll")]
    if native:
        fail(f"native files in the bundle: {native}")
    version = smoke_test()
    manifest = {"witx_lsp": version, "dependencies": {n: v for n, (_, v) in sorted(pinned.items())},
                "python_requires": ">=3.10"}
    (LIBS.parent / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    size = sum(p.stat().st_size for p in LIBS.rglob("*") if p.is_file())
    print(f"bundle-server: witx_lsp {version} + " + ", ".join(f"{n} {s}" for n, s in sources.items())
          + f"; {size / 1e6:.1f} MB in bundled/libs")


if __name__ == "__main__":
    main()

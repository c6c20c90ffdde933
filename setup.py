"""Copies the top-level grammar/ into the package when building, so the wheel and
the sdist carry it as witx_lsp/grammar/*.lark."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithGrammar(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "witx_lsp" / "grammar"
        target.mkdir(parents=True, exist_ok=True)
        for src in sorted(Path(__file__).parent.joinpath("grammar").glob("*.lark")):
            shutil.copy2(src, target / src.name)


setup(cmdclass={"build_py": BuildWithGrammar})

"""Fast start: commands that render nothing never import the Office and PDF libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import EVERY_BLOCK, ROOT, SAMPLE

HEAVY = ("docx", "pptx", "reportlab", "PIL", "lxml")

PROBE = """\
import sys
from generator.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args", [["--help"], ["formats"], ["check", str(SAMPLE)], ["build", "--help"]]
)
def test_commands_that_render_nothing_import_no_heavy_library(args):
    """(Checking a lesson with pictures decodes them, with Pillow: see the test below.)"""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        check=True,
    )
    imported = set(result.stderr.split())
    assert "generator" in imported  # the probe really ran the command
    assert imported.isdisjoint(HEAVY), imported & set(HEAVY)


def test_checking_pictures_imports_only_the_image_library():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "check", str(EVERY_BLOCK)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        check=True,
    )
    imported = set(result.stderr.split())
    assert "PIL" in imported and imported.isdisjoint(set(HEAVY) - {"PIL"}), imported & set(HEAVY)

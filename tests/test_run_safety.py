"""Runs meeting bad luck: two at once, a manifest that can't be saved, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator import batch
from generator.cli import main
from generator.files import output_lock
from generator.manifest import JOURNAL_NAME, MANIFEST_NAME

from .conftest import ROOT, write_lesson

LESSON = """\
title: "School {{ vars.school }}"
date: 2026-01-15
vars: {school: ALPHA}
sections:
  - heading: First
    blocks:
      - text: "Made for {{ vars.school }}."
      - list: [one, two, three]
"""


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def lectern(*args: str | Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def course(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        write_lesson(folder, LESSON.replace("First", f"Part {number}"), f"lesson-{number:02}.yaml")
    return folder


def test_the_manifest_records_the_bytes_the_build_wrote_not_what_is_on_disk(tmp_path, monkeypatch):
    """Another run's file landing on the same path must not be taken as this run's."""
    lesson = write_lesson(tmp_path, LESSON)
    out = tmp_path / "out"
    real = batch.execute

    def then_overwritten(job, options):
        outcome = real(job, options)
        for _, output in outcome.written:  # a second run writes here before this one records
            output.path.write_bytes(output.path.read_bytes().replace(b"ALPHA", b"BETA-"))
        return outcome

    monkeypatch.setattr(batch, "execute", then_overwritten)
    assert run("build", lesson, "-o", out, "-f", "pdf", "-j", "1").exit_code == 0
    monkeypatch.setattr(batch, "execute", real)
    again = run("build", lesson, "-o", out, "-f", "pdf", "-j", "1")
    assert again.stdout.splitlines()[-1].startswith("1 file written"), again.output
    assert "School ALPHA" in PdfReader(out / "lesson-cheatsheet.pdf").pages[0].extract_text()


def test_a_second_run_into_the_same_folder_waits_for_the_first(tmp_path):
    lesson = write_lesson(tmp_path, LESSON)
    out = tmp_path / "out"
    with output_lock(out, waiting=lambda: None):
        process = lectern("build", lesson, "-o", out, "-f", "pdf", "--var", "school=BETA")
        line = process.stderr.readline().decode()
        assert "waiting for another build into" in line
        time.sleep(0.5)
        assert process.poll() is None and not (out / "lesson-cheatsheet.pdf").exists()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert "School BETA" in PdfReader(out / "lesson-cheatsheet.pdf").pages[0].extract_text()


@pytest.mark.parametrize("blocked", [MANIFEST_NAME, JOURNAL_NAME])
def test_a_manifest_that_cannot_be_saved_is_a_clear_error_and_the_outputs_stand(tmp_path, blocked):
    lessons = course(tmp_path / "course", 2)
    out = tmp_path / "out"
    (out / blocked).mkdir(parents=True)  # as good as a full disk or a read-only file
    result = run("build", lessons, "-o", out, "-f", "pdf", "-j", "1")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.count("can't record what was built") == 1
    assert f"{out / MANIFEST_NAME}" in result.stderr
    for number in range(2):
        assert PdfReader(out / f"lesson-{number:02}-cheatsheet.pdf").pages


def test_temporary_files_of_a_killed_run_are_swept(tmp_path):
    lesson = write_lesson(tmp_path, LESSON)
    out = tmp_path / "out"
    (out / "unit").mkdir(parents=True)
    stale = [out / ".lectern-k1ll3d.pdf", out / "unit" / ".lectern-abcdefgh.docx"]
    for path in stale:
        path.write_bytes(b"")
    result = run("build", lesson, "-o", out, "-f", "pdf")
    assert result.exit_code == 0
    assert not any(path.exists() for path in stale)
    assert (out / MANIFEST_NAME).is_file()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found.extend(int(child) for child in text.split())
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_workers_stop_when_their_parent_is_killed(tmp_path):
    lessons = course(tmp_path / "course", 16)
    process = lectern("build", lessons, "-o", tmp_path / "out", "-j", "2")
    workers: list[int] = []

    def started() -> bool:
        workers[:] = children(process.pid)
        return len(workers) >= 2

    assert wait_for(started), "the workers never started"
    process.kill()
    process.wait()
    assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), (
        "workers outlived their parent"
    )


def test_a_killed_run_keeps_what_it_finished(tmp_path):
    lessons = course(tmp_path / "course", 16)
    out = tmp_path / "out"
    process = lectern("build", lessons, "-o", out, "-j", "2", start_new_session=True)

    def recorded() -> int:  # outputs in place and noted in the journal as they landed
        journal = out / JOURNAL_NAME
        return journal.read_text("utf-8").count("\n") if journal.exists() else 0

    assert wait_for(lambda: recorded() >= 3 or process.poll() is not None)
    assert process.poll() is None, "the build finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(0.2)
    result = run("build", lessons, "-o", out, "-j", "2", "--json")
    assert result.exit_code == 0, result.output
    totals = json.loads(result.stdout)["totals"]
    assert totals["up_to_date"] >= 3  # recorded as they landed, not only at the end
    assert totals["up_to_date"] + totals["written"] == 48
    assert not list(out.rglob(".lectern-*.pdf")) and not list(out.rglob(".lectern-*.docx"))


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    lesson = write_lesson(tmp_path, LESSON)
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    result = run("build", lesson, "-o", tmp_path / "taken", "-f", "pdf")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{tmp_path / 'taken'}: can't write there" in result.stderr

"""The CI examples in examples/ci/ run: their lectern steps, as written, on a checkout."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from .conftest import ROOT, SAMPLE

EXAMPLES = ROOT / "examples" / "ci"


def github_steps(workflow: dict) -> tuple[list[str], dict]:
    steps = workflow["jobs"]["build"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    [cache] = [step["with"] for step in steps if step.get("uses", "").startswith("actions/cache")]
    [upload] = [
        step["with"] for step in steps if step.get("uses", "").startswith("actions/upload-artifact")
    ]
    return commands, {"cache": [cache["path"]], "artifacts": upload["path"].split()}


def gitlab_steps(pipeline: dict) -> tuple[list[str], dict]:
    job = pipeline["lessons"]
    return job["script"], {"cache": job["cache"]["paths"], "artifacts": job["artifacts"]["paths"]}


@pytest.mark.parametrize(
    ("name", "steps"),
    [("github-actions.yml", github_steps), ("gitlab-ci.yml", gitlab_steps)],
)
def test_the_ci_example_builds_a_checkout_as_written(tmp_path, name, steps):
    commands, paths = steps(yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8")))
    checkout = tmp_path / "repo"
    (checkout / "content" / "unit1").mkdir(parents=True)
    shutil.copy(SAMPLE, checkout / "content" / "unit1" / "alliances.yaml")
    lectern = [shlex.split(line) for line in commands if line.startswith("lectern ")]
    assert lectern, f"{name} runs no lectern step"
    for args in lectern:
        result = subprocess.run(
            [sys.executable, "-m", "generator", *args[1:]],
            cwd=checkout,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    report = json.loads((checkout / "report.json").read_text(encoding="utf-8"))
    assert report["status"] == 0 and report["totals"]["written"] == 3
    pdfs = [p for pattern in paths["artifacts"] for p in checkout.glob(pattern.rstrip("/"))]
    assert [p.relative_to(checkout).as_posix() for p in pdfs if p.suffix == ".pdf"] == [
        "output/unit1/alliances-cheatsheet.pdf"
    ]
    cached = [checkout / path.rstrip("/") for path in paths["cache"]]
    assert all((folder / ".lectern-manifest.json").is_file() for folder in cached)


def test_the_readme_shows_the_examples_as_they_are():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        assert (EXAMPLES / name).read_text(encoding="utf-8").strip() in readme, name

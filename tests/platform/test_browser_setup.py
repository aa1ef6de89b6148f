"""Without Debian's chromium the browser tests must fail loudly (never skip): CI would otherwise go green."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_browser_tests_fail_with_a_clear_message_when_chromium_is_missing(tmp_path):
    env = {**os.environ, "RELAIS_CHROMIUM": str(tmp_path / "no-chromium-here")}

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:xdist",
            "tests/browser/test_login.py::test_empty_form_shows_field_errors",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode != 0, result.stdout
    assert "skipped" not in result.stdout
    assert "Chromium not found" in result.stdout
    assert "make browsers" in result.stdout

"""A worker process that never imported a job's module must still find its handler (Celery workers do not)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

DISCOVERED = """
import json, django
django.setup()
from relais.core import jobs
print(json.dumps(sorted(jobs._HANDLERS)))
"""

EVERYTHING = """
import importlib, json, pkgutil, django
django.setup()
import relais
from relais.core import jobs
for module in pkgutil.walk_packages(relais.__path__, "relais."):
    parts = module.name.split(".")
    if {"tests", "migrations", "management"} & set(parts):
        continue
    importlib.import_module(module.name)
print(json.dumps(sorted(jobs._HANDLERS)))
"""


def _handlers(script: str) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_job_handler_in_the_code_is_found_by_discovery():
    everything = _handlers(EVERYTHING)
    discovered = _handlers(DISCOVERED)

    assert set(everything) <= set(discovered), (
        f"job kinds {sorted(set(everything) - set(discovered))} are registered outside an app's tasks.py"
        ": a Celery worker would fail them with 'no handler registered'"
    )

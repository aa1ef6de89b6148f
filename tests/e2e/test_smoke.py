"""One partner's month, end to end on the production stack: log in, upload the ERP's file, the import runs in
the Celery worker, the points and the brand's dashboard move, a reward is ordered with the points earned."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.client import Client, text_by_testid
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def _number(text: str) -> float:
    """A figure as the French UI prints it (narrow no-break spaces, decimal comma, currency)."""
    digits = re.sub(r"[^\d,.-]", "", text).replace("\u202f", "")
    return float(digits.replace(".", "").replace(",", ".") if "," in digits else digits.replace(",", ""))


def _sales_file(gtins: list[str]) -> bytes:
    """What a French shop's ERP exports: ``;``, decimal comma, day-first dates, its own column names."""
    today = time.strftime("%d/%m/%Y")
    rows = [
        "Date de vente;Code EAN;Désignation;Qté vendue;Prix unitaire HT;N° facture",
        f"{today};{gtins[0]};Projecteur;3;49,90;F-E2E-1",
        f"{today};{gtins[1]};Projecteur 50 W;1;69,90;F-E2E-2",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def _wait_job(client: Client, job_id: int, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        page = client.get(f"/jobs/{job_id}/")
        assert page.status_code == 200
        match = re.search(r'data-status="(\w+)"', page.text)
        status = match.group(1) if match else ""
        if status in {"succeeded", "failed"}:
            return status
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} still {status!r} after {timeout} s")


def _wait_jobs_done(stack: Stack, kinds: set[str], timeout: float = 90) -> list[tuple[str, str, str]]:
    deadline = time.monotonic() + timeout
    rows: list[tuple[str, str, str]] = []
    while time.monotonic() < deadline:
        rows = [
            (str(kind), str(status), str(runner))
            for kind, status, runner in stack.sql("SELECT kind, status, runner FROM core_job ORDER BY id")
        ]
        if {kind for kind, _s, _r in rows} >= kinds and all(
            s in {"succeeded", "failed"} for _k, s, _r in rows
        ):
            return rows
        time.sleep(0.5)
    raise AssertionError(f"jobs not done after {timeout} s: {rows}")


def test_a_partner_month_runs_through_gunicorn_and_the_celery_worker(stack: Stack) -> None:
    seed = stack.seed
    brand = Client(stack.base_url)
    brand.login(seed["brand_admin"], seed["password"])
    before = brand.get("/brand/insights/charts/")
    assert before.status_code == 200
    amount_before = _number(text_by_testid(before.text, "total-amount"))

    partner = Client(stack.base_url)
    partner.login(seed["partner_admin"], seed["password"])
    assert _number(text_by_testid(partner.get("/portal/points/").text, "points-available")) == 0

    # Upload the ERP's own file; the columns are recognised; confirm the mapping.
    upload_page = partner.get("/portal/imports/upload/")
    mapping = partner.submit(
        upload_page, files={"file": ("ventes-novembre.csv", _sales_file(seed["gtins"]), "text/csv")}
    )
    assert mapping.status_code == 200 and "/mapping/" in mapping.url, "\n".join(
        map(str, partner.history[-4:])
    )
    started = partner.submit(mapping, map_invoice_ref="N° facture")
    assert started.status_code == 200
    job_id = int(re.search(r'id="job-(\d+)"', started.text).group(1))  # type: ignore[union-attr]
    assert _wait_job(partner, job_id) == "succeeded"

    # The import and its follow-ups (rollups, scoring) ran in the Celery worker, not in the web process.
    jobs = _wait_jobs_done(stack, {"sellout_import", "insights_rollup", "incentives_score"})
    assert all(status == "succeeded" for _kind, status, _runner in jobs), jobs
    assert all(runner.startswith("celery:") for _kind, _status, runner in jobs), jobs

    # 4 units at 50 points each, confirmed at once (nothing was flagged), and the dashboard has the sales.
    points = _number(text_by_testid(partner.get("/portal/points/").text, "points-available"))
    assert points == 200
    after = brand.get("/brand/insights/charts/")
    assert _number(text_by_testid(after.text, "total-amount")) == pytest.approx(
        amount_before + 3 * 49.90 + 69.90
    )

    # The partner orders the 100-point reward with what it earned: the confirmation page, then the order.
    confirm = partner.get(f"/portal/rewards/{seed['reward_id']}/confirm/?quantity=1")
    assert confirm.status_code == 200
    ordered = partner.submit(confirm, action=f"/portal/rewards/{seed['reward_id']}/redeem/")
    assert ordered.status_code == 200
    orders = stack.sql(
        "SELECT o.status, o.points_total FROM incentives_redemptionorder o "
        "JOIN incentives_reward r ON r.id = o.reward_id WHERE r.id = %s",
        seed["reward_id"],
    )
    assert len(orders) == 1 and orders[0][1] == 100, orders
    assert _number(text_by_testid(partner.get("/portal/points/").text, "points-available")) == 100

"""GET /jobs/<id>/: the progress fragment, visible only inside the job's brand (and partner)."""

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.core.models import Job


def url(job: Job) -> str:
    return reverse("job_status", args=[job.pk])


@pytest.fixture
def brand_job(brand):
    return Job.objects.create(kind="sellout.import", brand=brand, progress_done=30, progress_total=120)


@pytest.fixture
def partner_job(brand, partner):
    return Job.objects.create(kind="sellout.import", brand=brand, partner_id=partner.pk)


@pytest.fixture
def other_brand_job(other_brand):
    return Job.objects.create(kind="sellout.import", brand=other_brand)


def test_anonymous_is_sent_to_login(client, brand_job):
    response = client.get(url(brand_job))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_brand_staff_see_a_running_job_of_their_brand_polling_itself(brand_admin, brand_job):
    response = login_client(brand_admin).get(url(brand_job), headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="queued"' in html
    assert 'value="25"' in html  # 30 of 120
    assert "30 / 120" in html
    assert f'hx-get="{url(brand_job)}"' in html
    assert "HX-Trigger" not in response


def test_a_finished_job_stops_polling_and_tells_the_page(channel_manager, brand_job):
    Job.objects.filter(pk=brand_job.pk).update(status=Job.Status.SUCCEEDED)

    response = login_client(channel_manager).get(url(brand_job), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert 'data-status="succeeded"' in response.content.decode()
    assert "hx-get" not in response.content.decode()
    assert response["HX-Trigger"] == "job-finished"


def test_brand_staff_see_their_partners_jobs(brand_admin, partner_job):
    assert login_client(brand_admin).get(url(partner_job)).status_code == 200


def test_another_brands_job_is_a_404_for_brand_staff(brand_admin, other_brand_job):
    assert login_client(brand_admin).get(url(other_brand_job)).status_code == 404


def test_a_partner_user_sees_the_jobs_of_their_own_company(partner_seller, partner_job):
    assert login_client(partner_seller).get(url(partner_job)).status_code == 200


def test_a_partner_user_gets_a_404_for_another_partners_job(brand, other_partner, partner_admin):
    job = Job.objects.create(kind="sellout.import", brand=brand, partner_id=other_partner.pk)

    assert login_client(partner_admin).get(url(job)).status_code == 404


def test_a_partner_user_gets_a_404_for_a_brand_level_job(partner_admin, brand_job):
    assert login_client(partner_admin).get(url(brand_job)).status_code == 404


def test_a_partner_user_of_another_brand_gets_a_404(other_brand, partner_job):
    from relais.network.tests.factories import PartnerFactory

    outsider = partner_user(PartnerFactory(brand=other_brand), role=Role.PARTNER_ADMIN)

    assert login_client(outsider).get(url(partner_job)).status_code == 404


def test_the_operator_sees_any_job(operator, other_brand_job):
    assert login_client(operator).get(url(other_brand_job)).status_code == 200


def test_a_missing_job_is_a_404(brand_admin):
    assert login_client(brand_admin).get(reverse("job_status", args=[999_999])).status_code == 404


def test_the_fragment_is_translated(brand_admin, brand_job):
    client = login_client(brand_admin)
    client.cookies["django_language"] = "fr"

    response = client.get(url(brand_job))

    assert "En attente" in response.content.decode()

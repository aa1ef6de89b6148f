"""The training pages, one test per page and role: the brand's editor, assignment, certifications, report and
export; the partner's training list, module page with its quiz over htmx, and files."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.incentives.models import PointsEntry
from relais.network.tests.factories import SegmentFactory
from relais.training import services
from relais.training.models import Assignment, Completion, ModuleStatus, TrainingModule
from relais.training.tests.factories import TrainingModuleFactory, published_module

pytestmark = pytest.mark.django_db


def _streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _body(response: Any) -> str:
    return _streamed(response).decode("utf-8-sig")


# --- The brand ---------------------------------------------------------------------------------------------------


def test_the_brand_creates_a_module_writes_its_quiz_and_publishes_it(brand, brand_admin):
    client = login_client(brand_admin)

    response = client.post(
        reverse("training:modules"),
        {
            "title": "Gamme Atlas",
            "summary": "Les lampes de chantier",
            "body": "## Atlas\n\n<script>alert(1)</script> **8 h**",
            "videos": "Démo | https://video.test/atlas",
            "language": "fr",
            "product_family": "Lampes de chantier",
            "points": "100",
            "pass_mark": "80",
        },
    )
    module = TrainingModule.objects.get(brand=brand)
    assert response.status_code == 302 and response["Location"] == reverse(
        "training:module_edit", args=[module.pk]
    )
    added = client.post(
        reverse("training:question_add", args=[module.pk]),
        {"text": "Autonomie ?", "choices": "* 8 h\n2 h\n30 min"},
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200
    assert b'id="quiz-editor"' in added.content and b"Autonomie ?" in added.content
    assert b"<html" not in added.content  # the fragment only
    client.post(reverse("training:module_publish", args=[module.pk]), {"action": "publish"})

    module.refresh_from_db()
    assert module.status == ModuleStatus.PUBLISHED
    assert module.videos == [{"title": "Démo", "url": "https://video.test/atlas"}]
    page = client.get(reverse("training:module_edit", args=[module.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page  # Markdown, no raw HTML
    assert "<strong>8 h</strong>" in page


def test_an_http_video_link_is_refused_with_the_line_named(brand, brand_admin):
    module = TrainingModuleFactory(brand=brand)
    response = login_client(brand_admin).post(
        reverse("training:module_edit", args=[module.pk]),
        {"title": "Atlas", "pass_mark": "80", "videos": "https://ok.test/a\nDémo | http://insecure.test/v"},
    )

    assert response.status_code == 200
    assert (
        "Video link 2: only https links are accepted (http://insecure.test/v)." in response.content.decode()
    )
    module.refresh_from_db()
    assert module.videos == []


def test_a_bad_question_is_refused_in_french(brand, brand_admin):
    module = TrainingModuleFactory(brand=brand)
    client = login_client(brand_admin)
    client.cookies["django_language"] = "fr"

    response = client.post(
        reverse("training:question_add", args=[module.pk]),
        {"text": "Q ?", "choices": "a\nb"},
        HTTP_HX_REQUEST="1",
    )

    assert "Marquez au moins une réponse comme bonne." in response.content.decode()
    assert not module.questions.exists()


def test_the_brand_assigns_a_module_to_a_segment_with_a_due_date(brand, brand_admin):
    module = published_module(brand, assign=False)
    segment = SegmentFactory(brand=brand, name="Pros")
    client = login_client(brand_admin)

    client.post(
        reverse("training:assignment_add", args=[module.pk]),
        {"target": "segment", "segment": segment.pk, "due_on": "2027-01-31"},
    )
    refused = client.post(
        reverse("training:assignment_add", args=[module.pk]), {"target": "role", "role": ""}
    )

    assignment = Assignment.objects.get(module=module)
    assert (assignment.segment, str(assignment.due_on)) == (segment, "2027-01-31")
    assert "Choose a partner role: administrator or seller." in refused.content.decode()
    page = client.get(reverse("training:module_edit", args=[module.pk])).content.decode()
    assert "Pros" in page


def test_the_brand_attaches_a_pdf_and_downloads_it_and_a_fake_is_refused(brand, brand_admin):
    module = TrainingModuleFactory(brand=brand)
    client = login_client(brand_admin)

    client.post(
        reverse("training:file_add", args=[module.pk]),
        {"file": SimpleUploadedFile("Fiche Atlas.pdf", b"%PDF-1.7 fiche")},
    )
    refused = client.post(
        reverse("training:file_add", args=[module.pk]),
        {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90")},
        follow=True,
    )

    [attached] = module.files.all()
    response = client.get(reverse("training:brand_file", args=[module.pk, attached.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert _streamed(response) == b"%PDF-1.7 fiche"
    assert "attachment" in response["Content-Disposition"]
    assert "virus.pdf: only PDF" in refused.content.decode()


def test_the_brand_creates_a_certification(brand, brand_admin):
    module = published_module(brand, title="Atlas")
    client = login_client(brand_admin)

    client.post(
        reverse("training:certifications"),
        {"name": "Expert éclairage", "validity_months": "24", "modules": [module.pk]},
    )

    page = client.get(reverse("training:certifications")).content.decode()
    assert "Expert éclairage" in page and "Atlas" in page


def test_the_report_and_its_exports_per_partner_and_seller(brand, brand_admin, partner):
    module = published_module(brand, title="Atlas")
    seller = partner_user(partner, role=Role.PARTNER_SELLER, email="vendeur@martin.test")
    partner_user(partner, role=Role.PARTNER_SELLER, email="=cmd@martin.test")
    services.attempt_submit(module=module, user=seller, answers=module.right)
    client = login_client(brand_admin)

    page = client.get(reverse("training:report"), {"module": module.pk})
    csv_fr = login_client(brand_admin)
    csv_fr.cookies["django_language"] = "fr"
    csv = _body(csv_fr.get(reverse("training:report_export", args=["csv"])))
    xlsx = client.get(reverse("training:report_export", args=["xlsx"]))

    assert page.status_code == 200
    assert [(p["done"], p["due"]) for p in page.context["partners"]] == [(1, 2)]
    lines = csv.strip().splitlines()
    assert (
        lines[0]
        == "Code partenaire;Partenaire;Utilisateur;Rôle;Module;Échéance;Terminé le;Meilleur score (%)"
    )
    assert any(
        line.startswith(f"{partner.code};") and ";vendeur@martin.test;" in line and line.endswith(";100")
        for line in lines
    )
    assert any(";'=cmd@martin.test;" in line for line in lines)  # no formula in a spreadsheet
    workbook = zipfile.ZipFile(io.BytesIO(_streamed(xlsx)))
    assert "vendeur@martin.test" in workbook.read("xl/worksheets/sheet1.xml").decode()
    assert client.get(reverse("training:report_export", args=["pdf"])).status_code == 404


def test_partner_users_cannot_open_the_brand_pages(partner_admin, brand):
    module = published_module(brand)
    client = login_client(partner_admin)

    for url in (
        reverse("training:modules"),
        reverse("training:module_edit", args=[module.pk]),
        reverse("training:report"),
    ):
        assert client.get(url).status_code == 403


# --- The partner -------------------------------------------------------------------------------------------------


def test_a_seller_sees_what_to_do_and_what_is_done(brand, partner_seller):
    todo = published_module(brand, title="À faire", points=30)
    done = published_module(brand, title="Fait")
    services.attempt_submit(module=done, user=partner_seller, answers=done.right)
    certification = services.certification_save(
        brand=brand, name="Pro Fait", validity_months=12, modules=[done]
    )
    services.attempt_submit(module=done, user=partner_seller, answers=done.right)  # the certification now
    client = login_client(partner_seller)

    page = client.get(reverse("training:mine"))

    assert [i.module for i in page.context["todo"]] == [todo]
    assert [i.module for i in page.context["done"]] == [done]
    assert [a.certification for a in page.context["certificates"]] == [certification]
    assert "30 points" in page.content.decode()


def test_a_seller_answers_the_quiz_over_htmx_and_earns_the_points_once(brand, partner_seller):
    module = published_module(brand, points=40)
    client = login_client(partner_seller)
    page = client.get(reverse("training:my_module", args=[module.pk]))
    assert page.status_code == 200 and b'data-testid="quiz"' in page.content
    answers = {f"q{q}": choices for q, choices in module.right.items()}

    first = client.post(reverse("training:my_attempt", args=[module.pk]), answers, HTTP_HX_REQUEST="true")
    second = client.post(reverse("training:my_attempt", args=[module.pk]), answers, HTTP_HX_REQUEST="true")

    assert b'data-testid="quiz-passed"' in first.content and b"40 points were credited" in first.content
    assert b"<html" not in first.content
    assert b"credited" not in second.content
    assert Completion.objects.get(module=module, user=partner_seller).score == 100
    assert PointsEntry.objects.filter(reason_code="training_completed").count() == 1


def test_a_failed_quiz_says_what_is_needed(brand, partner_seller):
    module = published_module(brand, pass_mark=80)
    answers = {f"q{q}": choices for q, choices in module.half.items()}

    response = login_client(partner_seller).post(reverse("training:my_attempt", args=[module.pk]), answers)

    assert response.status_code == 200
    assert b'data-testid="quiz-failed"' in response.content
    assert not Completion.objects.exists()


def test_a_seller_downloads_a_file_of_an_assigned_module_only(brand, partner_seller):
    module = published_module(brand)
    attached = services.module_file_add(module=module, upload=SimpleUploadedFile("Fiche.pdf", b"%PDF-1.4 x"))
    hidden = published_module(brand, assign=False)
    hidden_file = services.module_file_add(
        module=hidden, upload=SimpleUploadedFile("Secret.pdf", b"%PDF-1.4 y")
    )
    client = login_client(partner_seller)

    response = client.get(reverse("training:my_file", args=[module.pk, attached.pk]))

    assert response.status_code == 200 and _streamed(response) == b"%PDF-1.4 x"
    assert client.get(reverse("training:my_file", args=[hidden.pk, hidden_file.pk])).status_code == 404
    assert client.get(reverse("training:my_file", args=[module.pk, hidden_file.pk])).status_code == 404


def test_brand_staff_cannot_take_a_quiz(brand, brand_admin):
    module = published_module(brand)
    assert login_client(brand_admin).get(reverse("training:my_module", args=[module.pk])).status_code == 403


def test_a_refused_try_over_htmx_reloads_the_page_with_the_reason(brand, partner_seller):
    module = published_module(brand)
    other = published_module(brand)
    answers = {f"q{q}": choices for q, choices in other.right.items()}  # another quiz's questions

    response = login_client(partner_seller).post(
        reverse("training:my_attempt", args=[module.pk]), answers, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200 and not response.content
    assert response["HX-Redirect"] == reverse("training:my_module", args=[module.pk])
    assert not Completion.objects.exists()

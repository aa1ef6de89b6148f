"""Tenant isolation of training: every object URL of the brand's editor and of the partner's module pages.

Each company gets a module assigned only to a segment it alone is in, with a question, a file and an
assignment. Another brand's staff get 404 on the brand URLs; another partner of the same brand (not in the
segment) and a partner of another brand get 404 on the portal URLs; the owner reaches each one (the control).
After each foreign attempt nothing changed.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory, partner_user
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs.tests.factories import member
from relais.training import services
from relais.training.models import Attempt, ModuleStatus, TrainingModule
from relais.training.tests.factories import published_module

pytestmark = pytest.mark.django_db


def company(brand, partner):
    """A partner's seller, and a module of the brand assigned to a segment of that partner alone."""
    seller = partner_user(partner, role=Role.PARTNER_SELLER)
    segment = SegmentFactory(brand=brand)
    member(segment, partner)
    module = published_module(brand, assign=False, title=f"Module de {partner.code}")
    assignment = services.assignment_add(module=module, target="segment", segment=segment)
    attached = services.module_file_add(module=module, upload=SimpleUploadedFile("Fiche.pdf", b"%PDF-1.4 x"))
    return SimpleNamespace(
        partner=partner,
        seller=seller,
        staff=UserFactory(role=Role.BRAND_ADMIN, brand=brand),
        module=module,
        question=module.questions.first(),
        assignment=assignment,
        file=attached,
    )


@pytest.fixture
def own(brand, partner):
    return company(brand, partner)


@pytest.fixture
def sibling(brand):
    return company(brand, PartnerFactory(brand=brand))


@pytest.fixture
def foreign(other_brand):
    return company(other_brand, PartnerFactory(brand=other_brand))


BRAND_URLS = [
    ("training:module_edit", "get", lambda o: [o.module.pk]),
    ("training:module_edit", "post", lambda o: [o.module.pk]),
    ("training:brand_file", "get", lambda o: [o.module.pk, o.file.pk]),
    ("training:question_add", "post", lambda o: [o.module.pk]),
    ("training:file_add", "post", lambda o: [o.module.pk]),
    ("training:assignment_add", "post", lambda o: [o.module.pk]),
    ("training:assignment_delete", "post", lambda o: [o.module.pk, o.assignment.pk]),
    ("training:question_delete", "post", lambda o: [o.module.pk, o.question.pk]),
    ("training:module_publish", "post", lambda o: [o.module.pk]),
]
PORTAL_URLS = [
    ("training:my_module", "get", lambda o: [o.module.pk]),
    ("training:my_file", "get", lambda o: [o.module.pk, o.file.pk]),
    ("training:my_attempt", "post", lambda o: [o.module.pk]),
]


def call(client, method, name, args, objects):
    url = reverse(name, args=args)
    if method == "get":
        return client.get(url)
    data = {"title": "Hijack", "pass_mark": "0", "target": "everyone", "text": "Q", "choices": "*a\nb"}
    data.update({f"q{q}": c for q, c in objects.module.right.items()})
    data["action"] = "draft"
    return client.post(url, data)


def untouched(objects) -> None:
    module = TrainingModule.objects.get(pk=objects.module.pk)
    assert (module.title, module.status) == (objects.module.title, ModuleStatus.PUBLISHED)
    assert module.questions.count() == 2
    assert module.files.count() == 1
    assert list(module.assignments.all()) == [objects.assignment]
    assert not Attempt.objects.filter(module=module).exists()


def url_id(entry):
    return f"{entry[1]}-{entry[0]}"


@pytest.mark.parametrize("entry", BRAND_URLS, ids=url_id)
def test_another_brands_staff_get_404_on_the_editor(entry, own, foreign):
    name, method, args = entry
    for role in (Role.BRAND_ADMIN, Role.CHANNEL_MANAGER):
        stranger = UserFactory(role=role, brand=foreign.partner.brand)
        assert call(login_client(stranger), method, name, args(own), own).status_code == 404
    untouched(own)


@pytest.mark.parametrize("entry", BRAND_URLS, ids=url_id)
def test_partner_users_are_refused_the_editor(entry, own):
    name, method, args = entry
    assert call(login_client(own.seller), method, name, args(own), own).status_code in {403, 404}
    untouched(own)


@pytest.mark.parametrize("entry", PORTAL_URLS, ids=url_id)
@pytest.mark.parametrize("whose", ["sibling", "foreign"])
def test_another_partner_gets_404_on_a_module_not_assigned_to_it(request, entry, whose, own):
    name, method, args = entry
    intruder = request.getfixturevalue(whose)
    assert call(login_client(intruder.seller), method, name, args(own), own).status_code == 404
    untouched(own)


def test_a_module_file_is_not_reached_through_another_module(own, sibling):
    # The sibling's own module, with the owner's file id: the file must belong to the module of the URL.
    url = reverse("training:my_file", args=[sibling.module.pk, own.file.pk])
    assert login_client(sibling.seller).get(url).status_code == 404
    staff_url = reverse("training:brand_file", args=[sibling.module.pk, own.file.pk])
    assert login_client(own.staff).get(staff_url).status_code == 404


def test_control_the_owners_reach_each_url(own):
    brand_client = login_client(own.staff)
    for name, method, args in BRAND_URLS:
        assert call(brand_client, method, name, args(own), own).status_code not in {403, 404}, name
    seller_client = login_client(own.seller)
    services.module_publish(module=own.module)  # the control above took it back to draft
    for name, method, args in PORTAL_URLS:
        assert call(seller_client, method, name, args(own), own).status_code not in {403, 404}, name
    assert Attempt.objects.filter(module=own.module, user=own.seller).exists()

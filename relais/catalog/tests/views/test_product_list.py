import pytest
from django.urls import reverse

from conftest import login_client
from relais.catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["brand_admin", "channel_manager"])
def staff_client(request):
    return login_client(request.getfixturevalue(request.param))


@pytest.fixture
def catalogue(brand, other_brand):
    return {
        "drill": ProductFactory(
            brand=brand, name="Perceuse 18V", family="Power tools", gtin="03760000000017"
        ),
        "saw": ProductFactory(brand=brand, name="Scie sauteuse", family="Power tools"),
        "gloves": ProductFactory(brand=brand, name="Gants", family="Accessories", is_active=False),
        "foreign": ProductFactory(brand=other_brand, name="Perceuse étrangère", family="Power tools"),
    }


def names(response):
    return sorted(p.name for p in response.context["page"].object_list)


def test_lists_only_the_brands_products(staff_client, catalogue):
    response = staff_client.get(reverse("catalog:product_list"))
    assert names(response) == ["Gants", "Perceuse 18V", "Scie sauteuse"]
    assert response.context["families"] == ["Accessories", "Power tools"]


def test_search_by_name_and_by_gtin_typed_as_ean13(staff_client, catalogue):
    assert names(staff_client.get(reverse("catalog:product_list"), {"q": "perc"})) == ["Perceuse 18V"]
    assert names(staff_client.get(reverse("catalog:product_list"), {"q": "3760000000017"})) == [
        "Perceuse 18V"
    ]


def test_filters_by_family_and_status(staff_client, catalogue):
    url = reverse("catalog:product_list")
    assert names(staff_client.get(url, {"family": "Power tools"})) == ["Perceuse 18V", "Scie sauteuse"]
    assert names(staff_client.get(url, {"is_active": "false"})) == ["Gants"]
    assert names(staff_client.get(url, {"family": "Unknown"})) == ["Gants", "Perceuse 18V", "Scie sauteuse"]


def test_paginates_and_returns_the_table_to_htmx(staff_client, brand, django_assert_max_num_queries):
    ProductFactory.create_batch(60, brand=brand)
    with django_assert_max_num_queries(12):
        response = staff_client.get(
            reverse("catalog:product_list"),
            {"page": 2},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="product-results",
        )
    assert len(response.context["page"].object_list) == 10
    html = response.content.decode()
    assert "<html" not in html and "60 products" in html


def test_product_detail(staff_client, catalogue):
    response = staff_client.get(reverse("catalog:product_detail", args=[catalogue["drill"].pk]))
    assert "03760000000017" in response.content.decode()


@pytest.mark.parametrize("role", ["partner_admin", "partner_seller"])
def test_partner_users_are_forbidden(request, role, catalogue):
    client = login_client(request.getfixturevalue(role))
    assert client.get(reverse("catalog:product_list")).status_code == 403
    assert client.get(reverse("catalog:product_detail", args=[catalogue["drill"].pk])).status_code == 403

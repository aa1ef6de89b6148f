import factory

from relais.accounts.models import Role, User
from relais.core.tests.factories import BrandFactory

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    role = Role.BRAND_ADMIN
    brand = factory.SubFactory(BrandFactory)
    partner = None
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def partner_user(partner, *, role: str = Role.PARTNER_ADMIN, **kwargs) -> User:
    return UserFactory(role=role, brand=partner.brand, partner=partner, **kwargs)

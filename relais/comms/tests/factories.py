import factory

from relais.comms.models import Category, ContentItem, ContentKind, Message, MessageKind
from relais.core.tests.factories import BrandFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    brand = factory.SubFactory(BrandFactory)
    kind = MessageKind.ANNOUNCEMENT
    category = Category.TRANSACTIONAL
    subject_en = "Spring range"
    subject_fr = "Gamme de printemps"
    body_en = "The **spring** range is here."
    body_fr = "La gamme de **printemps** est là."


class ContentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentItem

    brand = factory.SubFactory(BrandFactory)
    kind = ContentKind.BROCHURE
    title = factory.Sequence(lambda n: f"Brochure {n}")

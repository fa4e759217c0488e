"""Small factories for tests that need their own entries, places or people on top of the demo archive."""

import factory
import wagtail_factories

from wagtail.models import Locale

from heritage.models import Contributor, EthnicGroup, FestivalPage, Place


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    code = factory.Sequence(lambda n: f"test-commune-{n}")
    name_vi = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    name_en = factory.Sequence(lambda n: f"Test Commune {n}")
    kind = Place.Kind.COMMUNE
    parent = factory.LazyFunction(lambda: Place.objects.get(code="tuyen-quang"))


class ContributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contributor

    name = factory.Sequence(lambda n: f"Nghệ nhân {n}")
    kind = Contributor.Kind.KNOWLEDGE_KEEPER


class FestivalPageFactory(wagtail_factories.PageFactory):
    """A festival under the given parent (pass parent=<FestivalIndexPage>), with one group and one place."""

    class Meta:
        model = FestivalPage

    title = factory.Sequence(lambda n: f"Lễ hội thử nghiệm {n}")
    slug = factory.Sequence(lambda n: f"le-hoi-thu-nghiem-{n}")
    locale = factory.LazyFunction(lambda: Locale.objects.get(language_code="vi"))
    summary = "Một lễ hội dùng trong kiểm thử."
    attribution = "Kiểm thử (dữ liệu mẫu)"

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        self.ethnic_groups.set(extracted or [EthnicGroup.objects.get(code="tay")])
        if create:
            self.save()

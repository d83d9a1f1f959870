import datetime

import factory
from django.utils import timezone

from accounts.models import Aanhef, Organisation, OrganisationKind, Role, User

PASSWORD = "Geheim-wachtwoord-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    kind = OrganisationKind.VO_SCHOOL
    code = factory.Sequence(lambda n: f"{10 + n % 90:02d}{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"School {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.DECAAN
    aanhef = Aanhef.MEVR
    voornaam = "Anna"
    achternaam = factory.Sequence(lambda n: f"Achternaam{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@school.example")
    profile_checked_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()


def valid_bsn(n: int) -> str:
    """A distinct valid BSN for each n: 8 digits from n, and the 9th computed so the elfproef holds."""
    prefix = 10_000_000 + n
    while True:
        digits = f"{prefix:08d}"
        check = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2), strict=True)) % 11
        if check < 10:
            return digits + str(check)
        prefix += 50_000_000  # a prefix no other n of a test run reaches


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.Group"

    school = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"4{chr(65 + n % 26)}{n // 26 or ''}")


class PupilFactory(factory.django.DjangoModelFactory):
    """A pupil with a valid BSN (pass ``bsn=None`` for a pupil without one, with a leerlingcode)."""

    class Meta:
        model = "students.Pupil"

    school = factory.SubFactory(OrganisationFactory)
    bsn = factory.Sequence(valid_bsn)
    voornaam = factory.Sequence(lambda n: f"Leerling{n}")
    achternaam = factory.Sequence(lambda n: f"Achternaam{n:04d}")
    geboortedatum = datetime.date(2010, 5, 17)
    geslacht = "v"
    email = factory.Sequence(lambda n: f"leerling{n}@example.com")
    telefoon = "06-12345678"
    straat = "Laan van Meerdervoort"
    huisnummer = 12
    postcode = "2517 AB"
    woonplaats = "Den Haag"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        bsn = kwargs.pop("bsn", None)
        pupil = model_class(*args, **kwargs)
        if bsn:
            pupil.set_bsn(bsn)
        elif not pupil.no_bsn_code:
            from students.models import new_no_bsn_code

            pupil.no_bsn_code = new_no_bsn_code()
        pupil.full_clean()
        pupil.save()
        return pupil


class MboSchoolFactory(OrganisationFactory):
    kind = "mbo"
    code = factory.Sequence(lambda n: f"{30 + n % 60:02d}{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Mbo-school {n}")
    connected = False


class OpleidingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "students.Opleiding"

    school = factory.SubFactory(MboSchoolFactory)
    crebo = factory.Sequence(lambda n: f"{25000 + n % 1000:05d}")
    name = factory.Sequence(lambda n: f"Opleiding {n}")
    niveau = 4
    leerweg = "BOL"


class GemeenteFactory(OrganisationFactory):
    """A gemeente with the given 4-digit postcode areas (``postcodes=["2517", …]``)."""

    class Meta:
        skip_postgeneration_save = True

    kind = "gemeente"
    code = factory.Sequence(lambda n: f"GM{7000 + n:04d}")
    name = factory.Sequence(lambda n: f"Gemeente {n}")

    @factory.post_generation
    def postcodes(self, create, extracted, **kwargs):
        from accounts.models import GemeentePostcode

        for area in extracted or []:
            GemeentePostcode.objects.update_or_create(postcode=area, defaults={"gemeente": self})


class CaseFactory(factory.django.DjangoModelFactory):
    """A report to the gemeente (De Overstap unless ``kind`` says otherwise), as a school makes it."""

    class Meta:
        model = "gemeente.Case"

    kind = "overstap"
    pupil = factory.SubFactory(PupilFactory)
    gemeente = factory.SubFactory(GemeenteFactory)
    reported_by_organisation = factory.LazyAttribute(lambda c: c.pupil.school)
    reported_by_name = "Decaan"
    school_year = factory.LazyAttribute(lambda c: c.pupil.school_year)


class RemarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "gemeente.Remark"

    pupil = factory.SubFactory(PupilFactory)
    gemeente = factory.SubFactory(GemeenteFactory)
    author_name = "Leerplichtambtenaar"
    text = "Gesprek gepland."

"""The demo region's organisations and users (Den Haag 2491–2599, Delft 2611–2629), and pupils placed by address."""

import pytest

from accounts.models import Organisation
from groups.services import set_mentor_links
from tests.factories import GroupFactory, PupilFactory

DEN_HAAG, DELFT = "2517 AB", "2611 CD"


@pytest.fixture
def orgs(demo) -> dict[str, Organisation]:
    return {o.code: o for o in Organisation.objects.all()}


@pytest.fixture
def group(demo, orgs):
    """A group of VO1 with mentor.vo1 as its mentor."""
    group = GroupFactory(school=orgs["00AA"], name="4G")
    set_mentor_links(school=orgs["00AA"], links={(group.pk, demo["mentor.vo1"].pk)})
    return group


@pytest.fixture
def resident(orgs, group):
    """resident(school code, postcode): a pupil of that school living there (VO1's in mentor.vo1's group)."""

    def make(code: str = "00AA", postcode: str = DEN_HAAG, **fields):
        fields.setdefault("group", group if code == "00AA" else None)
        return PupilFactory(school=orgs[code], postcode=postcode, **fields)

    return make

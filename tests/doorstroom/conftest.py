import pytest

from accounts.models import Organisation
from groups.services import set_mentor_links
from tests.conftest import login_as
from tests.factories import GroupFactory, OpleidingFactory, PupilFactory


@pytest.fixture
def school(demo) -> Organisation:
    return Organisation.objects.get(code="00AA")


@pytest.fixture
def group(school, demo):
    group = GroupFactory(school=school, name="4A")
    set_mentor_links(school=school, links={(group.pk, demo["mentor.vo1"].pk)})
    return group


@pytest.fixture
def mentor(client, demo):
    """A client logged in as mentor.vo1, the mentor of ``group``."""
    login_as(client, demo["mentor.vo1"])
    return client


@pytest.fixture
def pupil(school, group):
    return PupilFactory(school=school, group=group, voornaam="Sem", achternaam="Jansen", email="sem@example.com")


@pytest.fixture
def mbo1(demo) -> Organisation:
    return Organisation.objects.get(code="25AA")  # roc.mbo1's school, connected


@pytest.fixture
def mbo2(demo) -> Organisation:
    return Organisation.objects.get(code="25BB")


@pytest.fixture
def opleiding1(mbo1):
    return OpleidingFactory(school=mbo1, name="Verpleegkundige")


@pytest.fixture
def opleiding2(mbo2):
    return OpleidingFactory(school=mbo2, name="Kok")


def step_data(step: str, action: str, **answers) -> dict:
    """What the browser posts for a step: its answers (a-<key>), the step and the button."""
    data = {"stap": step, "actie": action}
    for key, value in answers.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):  # repeatable rows
            data[f"a-{key}-TOTAL_FORMS"] = str(len(value))
            data[f"a-{key}-INITIAL_FORMS"] = "0"
            for n, row in enumerate(value):
                for column, cell in row.items():
                    data[f"a-{key}-{n}-{column}"] = cell
        else:
            data[f"a-{key}"] = value
    return data


def posted(pupil, step: str, action: str, **changes) -> dict:
    """What a browser posts for ``step`` as it is shown: the saved answers of its fields, with ``changes``."""
    from doorstroom.models import Formulier
    from tests.doorstroom.helpers import declaration_for

    form = Formulier.objects.filter(pupil=pupil, is_current=True).first()
    answers = form.answers if form else {}
    spec = declaration_for(pupil).parsed()
    values = {f.key: answers[f.key] for f in spec.step(step).fields if f.key in answers}
    values.update(changes)
    return step_data(step, action, **values)

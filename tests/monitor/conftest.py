"""The demo region's organisations and users, pupils placed by address (as in the gemeente's tests)."""

from tests.gemeente.conftest import DELFT, DEN_HAAG, group, orgs, resident  # noqa: F401 - fixtures

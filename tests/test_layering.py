"""The apps import one way (docs: "How VOROC is built", Layout): a wrong import fails here, not in review.

Every .py file of every app is parsed (migrations included: a migration that names another app's model
through a string such as ``"students.pupil"`` is no import and is fine). Every ``import x`` and
``from x import y`` counts, also inside functions and ``if TYPE_CHECKING:`` blocks; relative imports are
resolved to the app they belong to. Where a lower app must reach a higher one's table it uses a lazy
relation (``"groups.Group"``, ``group__mentors=user``) or a signal, not an import.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The one map of the layering: app -> the project apps it may import (its own modules always).
ALLOWED: dict[str, set[str]] = {
    "accounts": set(),  # the base: organisations, users, roles, access rules
    "audit": {"accounts"},
    "students": {"accounts", "audit"},
    "groups": {"accounts", "audit", "students"},
    "notifications": {"accounts", "audit", "students"},  # never feeds or forms
    # The forms raise Meldingen (a sent form, the forms deadline): notifications does not know the forms,
    # so doorstroom calls it, as feedback does.
    "doorstroom": {"accounts", "audit", "students", "notifications"},
    # feedback does not need the forms today; add doorstroom here only when it does.
    "feedback": {"accounts", "audit", "students", "notifications"},
    # The gemeente's cases: above the pupil's apps, below nothing but voroc.
    "gemeente": {"accounts", "audit", "students", "notifications", "doorstroom", "groups"},
    # Verzuim: the school's meldingen to the gemeente; it checks attachments with doorstroom's PDF check.
    "verzuim": {"accounts", "audit", "students", "notifications", "doorstroom"},
    # The pupil's own side: their account (invited by the school, made with the school's code or without a school)
    # and their dossier, declared and measured with the doorstroomformulier's engine, sent to a mentor of their own
    # groups. Above the pupil's data and the forms; it raises Meldingen for the decaan.
    "dossier": {"accounts", "audit", "students", "notifications", "doorstroom", "groups"},
    # The monitor: figures over what every other app holds (pupils, forms, the gemeente's cases).
    "monitor": {"accounts", "audit", "students", "notifications", "doorstroom", "groups", "gemeente"},
    # The project package wires everything together (urls, settings, celery, management commands).
    "voroc": {
        "accounts",
        "audit",
        "students",
        "groups",
        "doorstroom",
        "notifications",
        "feedback",
        "gemeente",
        "verzuim",
        "monitor",
        "dossier",
    },
}
APPS = set(ALLOWED)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts)


def _imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import statement in the file, relative ones resolved."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    package = package.removesuffix(".__init__")
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def layering_violations(root: Path = ROOT) -> list[str]:
    violations = []
    for app in sorted(APPS):
        for path in sorted((root / app).rglob("*.py")):
            for line, name in _imported_modules(path, root):
                target = name.split(".")[0]
                if target in APPS and target != app and target not in ALLOWED[app]:
                    violations.append(f"{path.relative_to(root)}:{line}: {app} may not import {name}")
    return violations


def test_apps_import_only_the_apps_below_them():
    violations = layering_violations()
    assert not violations, "Imports against the layering (see ALLOWED in tests/test_layering.py):\n" + "\n".join(
        violations
    )


def test_every_app_has_its_place_in_the_layering():
    """A new app is placed in ALLOWED explicitly; otherwise nothing would check its imports."""
    apps_on_disk = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps_on_disk - APPS == set(), "add the new app to ALLOWED in tests/test_layering.py"


def test_nothing_below_voroc_imports_feedback_gemeente_or_verzuim():
    """The top of the map: no app lists feedback, gemeente, verzuim or monitor among what it may import; only the
    monitor (figures and reports over the gemeente's cases) stands above gemeente, and only voroc above it."""
    for app, allowed in ALLOWED.items():
        if app == "monitor":
            assert not allowed & {"feedback", "verzuim", "monitor"}, app
        elif app != "voroc":
            assert not allowed & {"feedback", "gemeente", "verzuim", "monitor"}, app


def test_the_check_sees_imports_inside_functions_and_resolves_relative_ones(tmp_path):
    (tmp_path / "accounts" / "views").mkdir(parents=True)
    (tmp_path / "accounts" / "views" / "__init__.py").write_text("from ..models import User\nfrom . import login\n")
    (tmp_path / "accounts" / "views" / "login.py").write_text("def f():\n    from students.models import Pupil\n")
    (tmp_path / "students").mkdir()
    (tmp_path / "students" / "bench.py").write_text("import accounts\n\n\ndef g():\n    import groups.models\n")
    assert layering_violations(tmp_path) == [
        "accounts/views/login.py:2: accounts may not import students.models",
        "students/bench.py:5: students may not import groups.models",
    ]

"""The one access rule, enforced (docs: "How VOROC is built", Access): a query of pupil data in a view, task,
export, template tag, listing or the API starts from the rule's selectors, or this test fails.

Every module in SCANNED is parsed. A *query* is the manager of a pupil data model (``Pupil.objects``,
``Formulier._default_manager``, ``Attachment.with_pending``, also when the model was imported under another
name or through its module) or ``apps.get_model()`` naming one. It is fine when:

* it is narrowed by the rule in the same expression: a ``filter(<lookup>__in=<selector>(...)...)`` where the
  value starts with a call of one of the rule's selectors (``Elders.objects.filter(pk=pk,
  pupil__in=pupils_visible_to(user))``, as the selectors themselves are built);
* it is the queryset of a ``Prefetch`` that only orders or joins (``Prefetch("history",
  queryset=StatusChange.objects.order_by("at"))``): it fetches the related rows of objects already fetched
  through the rule, as a reverse relation (``pupil.aanmeldingen``) does. A Prefetch that *filters* decides which
  related rows a user sees, which is the rule's business, so it must start from a selector;
* it is a correlated ``Exists``/``Subquery`` (it has an ``OuterRef``): a yes/no or value about a row of the
  outer query, which is itself checked here;
* its function is in ALLOWLIST, with the reason.

Reverse relations (``pupil.doorstroomformulieren``, ``form.drafts``) are no ``Model.objects`` and need nothing.
The rule's selectors are found in RULE_MODULES: a public function taking ``user`` first that calls one of the
rule's selectors (the fixed point from CORE), so a new ``..._visible_to(user)`` built on the rule counts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent

# The models that hold pupil data, as "app_label.ModelName".
PUPIL_DATA = frozenset(
    {
        "students.Pupil",
        "students.Aanmelding",
        "students.Elders",
        "students.StatusChange",
        "students.FlagChange",
        "students.SchoolLink",
        "doorstroom.Formulier",
        "doorstroom.FormDraft",
        "doorstroom.FormRevision",
        "doorstroom.Snapshot",
        "doorstroom.Delivery",
        "doorstroom.Attachment",
        "doorstroom.SnapshotAttachment",
        "doorstroom.StoredFile",  # an attachment's content
        "gemeente.Remark",
        "gemeente.Case",
        "gemeente.Contact",
        "gemeente.CaseStatusChange",
        "verzuim.VerzuimMelding",
        "verzuim.StatusChange",
        "verzuim.Change",
        "verzuim.Bijlage",
        "dossier.PupilAccount",  # a pupil's login, linked to their record
        "dossier.Registration",  # name, date of birth and e-mail address of a pupil making an account
        "dossier.Dossier",  # the pupil's own doorstroomdossier: their answers, the mentor's part B
        "dossier.Consent",  # the akkoordverklaring, with the snapshot of what was sent
    }
)
# The other models of the pupils' apps, each with why it is no pupil data (a new model is placed explicitly).
NOT_PUPIL_DATA = {
    "students.SchoolYearStart": "the day a school year starts, per region",
    "students.Location": "the mbo-schools' catalogue",
    "students.Opleiding": "the mbo-schools' catalogue",
    "students.ExportJob": "a user's own background file: always fetched with user=request.user",
    "students.PupilImport": (
        "a user's own upload of pupils not yet in VOROC (its preview and report): always fetched with "
        "user=request.user and the user's school; once imported, the pupils are read through the rule"
    ),
    "students.ImportMapping": "a school's column mapping for imports: no pupil in it",
    "doorstroom.Declaration": "the declared steps of the form per region and year",
    "verzuim.Locatie": "a school's own locations",
    "verzuim.Melder": "a school's own staff who report absence",
    "verzuim.Counter": "the last meldingsnummer given",
    "dossier.SchoolCode": "a school's invitation code for its pupils: no pupil in it",
    "dossier.DossierDeclaration": "the declared pages and questions of a kind of dossier",
}

# What is parsed: the places where a request, a task or the API reads data (globs from the project root).
SCANNED = (
    "*/views.py",
    "*/views/**/*.py",
    "*/tasks.py",
    "*/exports.py",
    "*/api.py",
    "*/api_urls.py",
    "*/openapi.py",
    "*/templatetags/*.py",
    "*/listing.py",
    "*/bundle.py",
)
# Named in the docs; the test fails if one of them is no longer scanned (moved or renamed).
MUST_BE_SCANNED = (
    "doorstroom/bundle.py",
    "feedback/api.py",
    "gemeente/listing.py",
    "students/listing.py",
    "students/exports.py",
    "doorstroom/tasks.py",
)

# Where the rule lives, and its roots.
RULE_MODULES = (
    "students/selectors.py",
    "gemeente/selectors.py",
    "verzuim/selectors.py",
    "doorstroom/selectors.py",
    "doorstroom/access.py",
    "dossier/selectors.py",
)
CORE = frozenset({"pupils_visible_to", "aanmeldingen_visible_to", "get_pupil_for_user", "groups_visible_to"})
EXPECTED_SELECTORS = CORE | {
    "remarks_visible_to",
    "cases_visible_to",
    "get_case_for_user",
    "get_pupil_with_form_rights",
    "pupil_accounts_visible_to",
}

# A Prefetch whose queryset only does these starts no query of its own: it is the reverse relation, ordered.
RELATION_ONLY = frozenset({"all", "order_by", "select_related", "prefetch_related", "only", "defer", "annotate"})

# "path/to/module.py:function" (a method: "Class.method") -> why it may query pupil data without the rule.
ALLOWLIST: dict[str, str] = {
    "feedback/tasks.py:match_waiting_for_pupil": (
        "a system task (no user): a pupil got a BSN and the feed rows waiting for it are applied; "
        "it reads only that pupil's blind index"
    ),
    "students/views/logboek.py:_page": (
        "the audit's Logboek (the school's administrators only) names the pupils of the entries on the page, all "
        "about the user's own school; a pupil no longer in view (an older school year) keeps its name there"
    ),
    "doorstroom/views/mbo.py:received_pdf": (
        "takes the snapshot's pupil from its pk and hands it to get_pupil_for_user (through _mbo_pupil), which "
        "answers 404 outside the scope and records the attempt as out of scope; the snapshot is used only after "
        "that check (filtering by the scope first would lose the out-of-scope record)"
    ),
}


@dataclass(frozen=True)
class Query:
    path: str
    function: str
    line: int
    text: str

    @property
    def key(self) -> str:
        return f"{self.path}:{self.function}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}: {self.text}"


def _pupil_models() -> dict[str, set[str]]:
    """Each pupil data model's label -> the names of its managers."""
    return {label: {m.name for m in apps.get_model(label)._meta.managers} for label in PUPIL_DATA}


def _module_name(relpath: str) -> str:
    return relpath.removesuffix(".py").replace("/", ".")


def _imports(tree: ast.Module, relpath: str) -> dict[str, str]:
    """Local name -> the dotted name it stands for, for every import in the module (relative ones resolved)."""
    module = _module_name(relpath)
    package = module.rpartition(".")[0] if not relpath.endswith("__init__.py") else module.removesuffix(".__init__")
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                names[alias.asname or alias.name] = f"{source}.{alias.name}"
    return names


def _dotted(node: ast.AST, names: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, names)
        return f"{base}.{node.attr}" if base else None
    return None


def _model_label(dotted: str | None) -> str | None:
    """The label of the pupil data model a dotted name stands for (``students.models.Pupil`` and
    ``students.models.pupil.Pupil`` are ``students.Pupil``), or None."""
    if not dotted:
        return None
    parts = dotted.split(".")
    if len(parts) >= 3 and parts[1] == "models":
        label = f"{parts[0]}.{parts[-1]}"
        return label if label in PUPIL_DATA else None
    return None


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _starts_from_rule(expr: ast.AST, selectors: set[str], scoped: set[str]) -> bool:
    """The chain starts with a selector's call (``pupils_visible_to(user).filter(...).values("pk")``) or with a
    local name that only ever holds such a chain (``pupils = pupils_visible_to(user)``; ``pupils.filter(...)``)."""
    while True:
        if isinstance(expr, ast.Call):
            if _called_name(expr) in selectors:
                return True
            expr = expr.func
        elif isinstance(expr, ast.Attribute):
            expr = expr.value
        else:
            return isinstance(expr, ast.Name) and expr.id in scoped


def _scoped_names(function: ast.AST | None, selectors: set[str]) -> set[str]:
    """The local names of the function whose every assignment starts from the rule (narrowing itself counts)."""
    if function is None:
        return set()
    unknown = ast.Constant(value=None)
    values: dict[str, list[ast.AST]] = {}
    for node in ast.walk(function):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            values.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.For | ast.NamedExpr):
            targets = [node.target]
        elif isinstance(node, ast.With):
            targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
        # any other binding (tuple unpacking, loops, ``|=``, ...) makes a name unknown
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    values.setdefault(name.id, []).append(unknown)
    return {name for name, assigned in values.items() if all(_starts_from_rule(v, selectors, {name}) for v in assigned)}


def _chain_calls(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[ast.Call]:
    """The method calls made on the manager: ``Pupil.objects.filter(..).order_by(..)`` -> [filter(..), order_by(..)]."""
    calls = []
    while True:
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            node = parent
            continue
        if isinstance(parent, ast.Call) and parent.func is node:
            calls.append(parent)
            node = parent
            continue
        return calls


def _narrowed_by_rule(calls: list[ast.Call], selectors: set[str], scoped: set[str]) -> bool:
    return any(
        keyword.arg and keyword.arg.endswith("__in") and _starts_from_rule(keyword.value, selectors, scoped)
        for call in calls
        if _called_name(call) == "filter"
        for keyword in call.keywords
    )


def _relation_only_prefetch(node: ast.AST, calls: list[ast.Call], parents: dict[ast.AST, ast.AST]) -> bool:
    """The chain is the queryset argument of a Prefetch(...) and only orders or joins."""
    top: ast.AST = calls[-1] if calls else node
    parent = parents.get(top)
    if isinstance(parent, ast.keyword) and parent.arg == "queryset":
        parent = parents.get(parent)
    elif not (isinstance(parent, ast.Call) and top in parent.args[1:2]):
        return False
    return (
        isinstance(parent, ast.Call)
        and _called_name(parent) == "Prefetch"
        and all(_called_name(call) in RELATION_ONLY for call in calls)
    )


def _correlated(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside an Exists(...) or Subquery(...) that refers to the outer query with OuterRef."""
    current = parents.get(node)
    while current is not None:
        if isinstance(current, ast.Call) and _called_name(current) in {"Exists", "Subquery"}:
            return any(isinstance(inner, ast.Call) and _called_name(inner) == "OuterRef" for inner in ast.walk(current))
        current = parents.get(current)
    return False


def _enclosing(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[ast.AST]:
    """The functions and classes around the node, innermost first."""
    found = []
    current = parents.get(node)
    while current is not None:
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.append(current)
        current = parents.get(current)
    return found


def _function_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    return ".".join(reversed([scope.name for scope in _enclosing(node, parents)])) or "<module>"  # type: ignore[attr-defined]


def _get_model_label(call: ast.Call) -> str | None:
    """``apps.get_model("students", "Pupil")`` or ``get_model("students.Pupil")`` naming pupil data."""
    if _called_name(call) != "get_model":
        return None
    words = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    label = ".".join(words)
    return next((m for m in PUPIL_DATA if m.lower() == label.lower()), None)


def unscoped_queries(source: str, relpath: str, selectors: set[str]) -> list[Query]:
    """Every query of pupil data in the module that does not start from the rule (before the ALLOWLIST)."""
    tree = ast.parse(source, filename=relpath)
    names = _imports(tree, relpath)
    managers = _pupil_models()
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            label = _model_label(_dotted(node.value, names))
            if label is None or node.attr not in managers[label] | {"_default_manager", "_base_manager"}:
                continue
            calls = _chain_calls(node, parents)
            function = next(
                (s for s in _enclosing(node, parents) if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)), None
            )
            if (
                _narrowed_by_rule(calls, selectors, _scoped_names(function, selectors))
                or _relation_only_prefetch(node, calls, parents)
                or _correlated(node, parents)
            ):
                continue
        elif isinstance(node, ast.Call) and _get_model_label(node):
            pass
        else:
            continue
        line = source.splitlines()[node.lineno - 1].strip()
        found.append(Query(relpath, _function_of(node, parents), node.lineno, line))
    return sorted(found, key=lambda query: query.line)


def rule_selectors(root: Path = ROOT) -> set[str]:
    """CORE, and every public function of RULE_MODULES that takes ``user`` first and calls a selector of the rule."""
    functions: dict[str, set[str]] = {}
    for relpath in RULE_MODULES:
        path = root / relpath
        if not path.exists():
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                params = node.args.posonlyargs + node.args.args
                if params and params[0].arg == "user":
                    functions[node.name] = {
                        name for call in ast.walk(node) if isinstance(call, ast.Call) and (name := _called_name(call))
                    }
    selectors = set(CORE)
    while True:
        more = {name for name, calls in functions.items() if calls & selectors} - selectors
        if not more:
            return selectors
        selectors |= more


def scanned_modules(root: Path = ROOT) -> list[Path]:
    app_dirs = {p.parent.name for p in root.glob("*/apps.py")}
    found = {path for pattern in SCANNED for path in root.glob(pattern)}
    return sorted(p for p in found if p.relative_to(root).parts[0] in app_dirs)


def all_unscoped_queries(root: Path = ROOT) -> list[Query]:
    selectors = rule_selectors(root)
    found = []
    for path in scanned_modules(root):
        relpath = path.relative_to(root).as_posix()
        found.extend(unscoped_queries(path.read_text(encoding="utf-8"), relpath, selectors))
    return found


def test_pupil_data_is_queried_through_the_access_rule():
    bypasses = [query for query in all_unscoped_queries() if query.key not in ALLOWLIST]
    assert not bypasses, (
        "A query of pupil data that does not start from the access rule. Start from its selectors ("
        + ", ".join(sorted(rule_selectors()))
        + "), or from a reverse relation of an object fetched through them; if it truly must not (a system "
        "task), name its function in ALLOWLIST in tests/test_access_rule.py with the reason:\n"
        + "\n".join(map(str, bypasses))
    )


def test_every_allowlist_entry_has_a_reason_and_still_matches():
    keys = {query.key for query in all_unscoped_queries()}
    stale = sorted(set(ALLOWLIST) - keys)
    assert not stale, f"ALLOWLIST entries that match no query any more (remove them): {stale}"
    assert all(len(reason.split()) >= 5 for reason in ALLOWLIST.values()), "each ALLOWLIST entry says why"


def test_the_rule_and_the_scanned_modules_are_where_the_test_looks():
    assert EXPECTED_SELECTORS <= rule_selectors(), "a selector of the rule was renamed or moved: update this test"
    scanned = {p.relative_to(ROOT).as_posix() for p in scanned_modules()}
    assert set(MUST_BE_SCANNED) <= scanned
    assert any(p.startswith("doorstroom/views/") for p in scanned)


def test_every_model_of_the_pupils_apps_is_placed():
    """A new model in students, doorstroom, gemeente, verzuim or dossier is declared pupil data or not, with the reason."""
    labels = {
        f"{model._meta.app_label}.{model.__name__}"
        for app in ("students", "doorstroom", "gemeente", "verzuim", "dossier")
        for model in apps.get_app_config(app).get_models()
    }
    assert labels == PUPIL_DATA | set(NOT_PUPIL_DATA)


# The checker itself: each case below must be found (or not), or the guard above could pass on anything.
BYPASSES = [
    "from students.models import Pupil\ndef view(request, pk):\n    return Pupil.objects.get(pk=pk)",
    "from students.models import Pupil as P\ndef view(request, pk):\n    return P.objects.filter(pk=pk)",
    "from students import models\ndef view(request):\n    return models.Aanmelding.objects.all()",
    "from ..models import Formulier\ndef view(request):\n    return Formulier._default_manager.all()",
    "from ..models import Attachment\ndef view(request, pk):\n    return Attachment.with_pending.get(pk=pk)",
    "from django.apps import apps\ndef view(request):\n    return apps.get_model('students', 'Pupil')",
    # excluding the scope, or filtering by something else than the rule, is no start from it
    "from students.models import Pupil\nfrom students.selectors import pupils_visible_to\n"
    "def view(request):\n    return Pupil.objects.exclude(pk__in=pupils_visible_to(request.user))",
    "from students.models import Pupil\ndef view(request, ids):\n    return Pupil.objects.filter(pk__in=ids)",
    # a name that once held something else than the rule's queryset
    "from students.models import Pupil\nfrom students.selectors import pupils_visible_to\n"
    "def view(request, other):\n    pupils = pupils_visible_to(request.user)\n    if other:\n        pupils = other\n"
    "    return Pupil.objects.filter(pk__in=pupils)",
    # a Prefetch that filters decides which related rows the user sees
    "from django.db.models import Prefetch\nfrom students.models import Aanmelding\n"
    "def view(request, pupils):\n"
    "    return pupils.prefetch_related(Prefetch('aanmeldingen', queryset=Aanmelding.objects.filter(mbo_school_id=1)))",
]
SCOPED = [
    "from students.models import Elders\nfrom students.selectors import pupils_visible_to\n"
    "def view(request, pk):\n    return Elders.objects.filter(pk=pk, pupil__in=pupils_visible_to(request.user))",
    "from ..models import Formulier\nfrom students.selectors import pupils_visible_to\n"
    "def view(request):\n"
    "    return Formulier.objects.filter(pupil__in=pupils_visible_to(request.user).filter(school_year=1))",
    "from django.db.models import Prefetch\nfrom students.models import StatusChange\n"
    "def view(request, aanmeldingen):\n"
    "    return aanmeldingen.prefetch_related(Prefetch('history', queryset=StatusChange.objects.order_by('at')))",
    "from django.db.models import Exists, OuterRef\nfrom students.models import Elders\n"
    "def signals(pupils):\n    return pupils.annotate(e=Exists(Elders.objects.filter(pupil=OuterRef('pk'))))",
    "def view(request, pupil):\n    return pupil.aanmeldingen.all()",
    "from ..models import Formulier\nfrom students.selectors import pupils_visible_to\n"
    "def view(request, group):\n    pupils = pupils_visible_to(request.user)\n    if group:\n"
    "        pupils = pupils.filter(group=group)\n    return Formulier.objects.filter(pupil__in=pupils)",
]


def test_the_checker_finds_a_bypass():
    for source in BYPASSES:
        assert len(unscoped_queries(source, "doorstroom/views/probe.py", set(CORE))) == 1, source
    found = unscoped_queries(BYPASSES[0], "doorstroom/views/probe.py", set(CORE))
    assert found[0].key == "doorstroom/views/probe.py:view"


def test_the_checker_accepts_a_start_from_the_rule():
    for source in SCOPED:
        assert unscoped_queries(source, "doorstroom/views/probe.py", set(CORE)) == [], source

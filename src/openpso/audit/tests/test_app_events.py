"""Each app files its audit events under the actions its `events.py` lists (issue 16 item 5).

No call site in a converted app passes a hand-typed action or object type; every action is
unique across the apps and has the stored shape ("noun.verb"). Add an app to CONVERTED once
its call sites use its enum.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

from openpso.audit.events import ACTION_PATTERN, AuditAction

SRC = Path(__file__).resolve().parents[2]

# The apps whose call sites take their actions from an enum. lake and encryption record no
# events of their own: they are scanned so that a first one cannot come in as a literal.
CONVERTED = (
    "accounts",
    "analytics",
    "backup",
    "compliance",
    "core",
    "demo",
    "encryption",
    "feedback",
    "lake",
    "nonid",
    "organizations",
    "privilege",
    "pses",
    "pswp",
    "reporting",
    "submissions",
)
WITHOUT_EVENTS = {"encryption", "lake"}

_RECORDERS = {"record", "Entry"}
# Entry(actor, action, object_type, ...) may be called positionally.
_POSITION = {"action": 1, "object_type": 2}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _typed_by_hand(node: ast.expr) -> bool:
    """A string written at the call: a literal, an f-string, or a choice or sum of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.IfExp):
        return _typed_by_hand(node.body) or _typed_by_hand(node.orelse)
    if isinstance(node, ast.BinOp):
        return _typed_by_hand(node.left) or _typed_by_hand(node.right)
    return False


def _argument(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    position = _POSITION[name]
    if _name(call.func) == "Entry" and len(call.args) > position:
        return call.args[position]
    return None


def hand_typed(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for each action or object type typed by hand in `source`."""
    for call in ast.walk(ast.parse(source)):
        if not isinstance(call, ast.Call):
            continue
        if _name(call.func) in _RECORDERS:
            for name in ("action", "object_type"):
                value = _argument(call, name)
                if value is not None and _typed_by_hand(value):
                    yield call.lineno, f"{name}={ast.unparse(value)}"
        else:
            # Helpers that pass an action through (`_audit(action=...)`, `save_audited`): an
            # audit-shaped literal there is the same hand-typed name one call further out.
            for keyword in call.keywords:
                if keyword.arg == "action" and _audit_shaped(keyword.value):
                    yield call.lineno, f"action={ast.unparse(keyword.value)}"


def _audit_shaped(node: ast.expr) -> bool:
    # argparse's action="store_true" is no audit action: only dotted names and f-strings count.
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return ACTION_PATTERN.fullmatch(node.value) is not None
    if isinstance(node, ast.IfExp):
        return _audit_shaped(node.body) or _audit_shaped(node.orelse)
    return isinstance(node, ast.JoinedStr)


def _sources(app: str) -> Iterator[Path]:
    for path in sorted((SRC / app).rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" not in parts and "migrations" not in parts:
            yield path


def _enums(app: str) -> list[type[AuditAction]]:
    module = importlib.import_module(f"openpso.{app}.events")
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, AuditAction) and value.__module__ == module.__name__
    ]


@pytest.mark.parametrize("app", CONVERTED)
def test_no_call_site_types_an_action_or_object_type_by_hand(app):
    found = [
        f"{path.relative_to(SRC)}:{line}: {what}"
        for path in _sources(app)
        for line, what in hand_typed(path.read_text(encoding="utf-8"))
    ]
    assert not found, "use the app's events.py enum and audit.events.object_type_of:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'record(actor=None, action="report.viewed", object_type=object_type_of(r), object_id=1)',
        'trail.record(actor=None, action=f"feedback.report_{what}", object_type=T, object_id=1)',
        'record(actor=None, action=A.X, object_type="reporting.eventreport", object_id=1)',
        'record(actor=None, action="a.found" if found else "a.missed", object_type=T, object_id=1)',
        'Entry(None, "pswp.status_changed", T, 1)',
        'trail.Entry(actor=None, action=A.X, object_type="pswp.x", object_id=1)',
        '_audit(user, question=q, action="question.asked")',
        'save_audited(obj=o, action=f"organization.{verb}")',
    ],
)
def test_the_scan_finds_each_way_of_typing_a_name_by_hand(source):
    assert list(hand_typed(source))


@pytest.mark.parametrize(
    "source",
    [
        "record(actor=None, action=SubmissionAction.RECEIVED, object_type=object_type_of(s), object_id=1)",
        "Entry(None, A.X, BACKUP, 1)",
        'parser.add_argument("--full", action="store_true")',
        "ScrubCorrection(review=r, action=CorrectionAction.ADD)",
    ],
)
def test_the_scan_passes_enum_members_constants_and_other_actions(source):
    assert not list(hand_typed(source))


@pytest.mark.parametrize("app", sorted(set(CONVERTED) - WITHOUT_EVENTS))
def test_each_converted_app_lists_its_actions_in_one_enum(app):
    assert len(_enums(app)) == 1


def test_every_action_has_the_stored_shape_and_is_unique_across_apps():
    owners: dict[str, list[str]] = {}
    for app in sorted(set(CONVERTED) - WITHOUT_EVENTS):
        for enum in _enums(app):
            # __members__ keeps aliases: two names for one value would otherwise hide a duplicate.
            for name, member in enum.__members__.items():
                owners.setdefault(member.value, []).append(f"{enum.__name__}.{name}")
    assert owners
    malformed = sorted(value for value in owners if not ACTION_PATTERN.fullmatch(value))
    assert not malformed, "actions are dotted lower-case 'noun.verb' names"
    shared = {value: names for value, names in owners.items() if len(names) > 1}
    assert not shared, f"one stored action, two members: {shared}"

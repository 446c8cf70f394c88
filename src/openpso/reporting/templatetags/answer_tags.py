"""Answers on the pages: `{% answers_panel report %}` (report and event pages),
`{% my_answers report %}` ("My reports") and `{% answer_request_fields post report token %}`
(a structured request in the follow-up thread).

Identifying answers (names, dates of birth, record numbers: items marked `identifying`)
are shown to the PSES roles of the report's provider only, whose PSES it is (42 CFR 3.212);
the reporter and a health-system officer see the other answers.
"""

from __future__ import annotations

from typing import Any

from django import template

from openpso.audit.actor import Actor
from openpso.commonformats.answers_display import answers_in_words, flat_rows
from openpso.reporting import queries
from openpso.reporting.answer_forms import ReporterAnswersForm
from openpso.reporting.channel import queries as channel_queries
from openpso.reporting.completeness import missing_answers, modules_of, question_text
from openpso.reporting.models import AnswerAmendment, AnswerRequest, EventReport, FollowUpMessage

register = template.Library()


def _user(context: Any) -> Any:
    return getattr(context.get("request"), "user", None)


def in_pses_of(user: Actor, report: EventReport) -> bool:
    return user is not None and channel_queries.reports_in_pses_of(user).filter(pk=report.pk).exists()


@register.inclusion_tag("reporting/answers/_panel.html", takes_context=True)
def answers_panel(
    context: Any, report: EventReport, compact: bool = False, editing: bool = False, show_codes: bool = True
) -> dict[str, Any]:
    """Every answer grouped by module; for the safety team also completeness and history.
    `editing`: on the answers page itself, which lists what is missing at its top.
    `show_codes`: False for the person who filed the report, who reads the answers in words."""
    team = in_pses_of(_user(context), report)
    answers = queries.effective_answers(report)
    return {
        "report": report,
        "team": team,
        "compact": compact,
        "editing": editing,
        "show_codes": show_codes or team,
        "groups": answers_in_words(answers, report.modules, include_identifying=team),
        "missing": missing_answers(report, answers) if team else [],
        "history": amendment_history(report) if team and not compact else [],
    }


@register.inclusion_tag("reporting/answers/_mine.html")
def my_answers(report: EventReport) -> dict[str, Any]:
    """The reporter's own report: their answers as they count now (never identifying ones)."""
    answers = queries.effective_answers(report)
    return {"report": report, "groups": answers_in_words(answers, report.modules, include_identifying=False)}


def _words(report: EventReport, values: dict[str, Any]) -> dict[str, str]:
    given = {k: v for k, v in values.items() if v is not None}
    rows = flat_rows(answers_in_words(given, report.modules))
    return {row.link_id: row.value + (f" [{row.codes_text}]" if row.codes else "") for row in rows}


def amendment_history(report: EventReport) -> list[dict[str, Any]]:
    """Each amendment in order: who, when, and each question's answer before and after."""
    modules = modules_of(report)
    history = []
    for amendment in report.amendments.select_related("author").order_by("sequence"):
        before, after = _words(report, amendment.before or {}), _words(report, amendment.after or {})
        bare = list(dict.fromkeys(k.removesuffix(":other") for k in amendment.link_ids))
        changes = []
        for link_id in bare:
            definition = next((m for m in modules if m.has_item(link_id)), None)
            changes.append(
                {
                    "question": question_text(definition, link_id) if definition else link_id,
                    "before": before.get(link_id, "not answered"),
                    "after": after.get(link_id, "not answered"),
                }
            )
        history.append({"amendment": amendment, "who": who_amended(amendment), "changes": changes})
    return history


def who_amended(amendment: AnswerAmendment) -> str:
    if amendment.by_reporter:
        return "The reporter"
    author = amendment.author
    if author is None:
        return "—"
    return str(author.get_full_name() or author.email)


@register.inclusion_tag("reporting/answers/_request.html", takes_context=True)
def answer_request_fields(context: Any, post: FollowUpMessage, report: EventReport, token: str = "") -> dict[str, Any]:
    """The questions of a structured request: as fields for the reporter until answered,
    as a list with its state for the safety team."""
    answer_request: AnswerRequest | None = post.answer_request_or_none
    if answer_request is None:
        return {"show": False}
    answered = answer_request.amendments.exists()
    form = None
    if context.get("side") == "reporter" and not answered:
        form = ReporterAnswersForm(report=report, answer_request=answer_request)
    modules = modules_of(report)
    asked = []
    for link_id in answer_request.link_ids:
        definition = next((m for m in modules if m.has_item(link_id)), None)
        asked.append(question_text(definition, link_id) if definition else link_id)
    problem = context.get("request_problem") if context.get("problem_request") == str(answer_request.pk) else None
    return {
        "show": True,
        "side": context.get("side"),
        "report": report,
        "token": token,
        "answer_request": answer_request,
        "answered": answered,
        "asked": asked,
        "form": form,
        "problem": problem,
        "csrf_token": context.get("csrf_token"),
    }

"""`/api/v1/questions`: the PSO's questions about submitted events, their threads, and the answers.

The same rules as the question pages (/submissions/questions/): a provider's safety manager sees
the questions about its own provider's events, the PSO's analysts and administrators those they
asked their own members (submissions.queries); a foreign or missing id is a 404. Reading a thread
and answering it go through the page's own actions (`record_question_view`, `reply`), so each
leaves the same audit event, the same change of whose turn it is, and the same notice to the
other side.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Annotated, Any

import pydantic
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate
from pydantic import JsonValue

from openpso.lib.api_pagination import BoundedLimitOffset
from openpso.reporting.schemas import ErrorOut
from openpso.submissions import queries
from openpso.submissions.inbox import actions
from openpso.submissions.models import Question, QuestionAwaits, QuestionMessage

router = Router(tags=["questions"])
QuestionId = Annotated[uuid.UUID, Path(description="The question's id, as in its page's URL")]
SIDES: list[JsonValue] = ["pso", "provider"]


class QuestionOut(Schema):
    id: uuid.UUID
    short_id: str = Field(..., description="As the pages show it, e.g. Q-1A2B3C4D")
    event_id: uuid.UUID = Field(..., description="The submitted event asked about (the provider's report id, DE2)")
    provider: str = Field(..., alias="provider.slug", description="Slug of the provider asked")
    pso: str = Field(..., alias="pso.slug", description="Slug of the PSO that asked")
    awaits: str = Field(
        ..., description="Whose turn it is to write", json_schema_extra={"enum": list(QuestionAwaits.values)}
    )
    asked_at: dt.datetime
    last_message_at: dt.datetime


class MessageOut(Schema):
    side: str = Field(..., description="Who wrote it", json_schema_extra={"enum": SIDES})
    body: str
    at: dt.datetime


class ThreadOut(QuestionOut):
    side: str = Field(..., description="The side you speak for in this thread", json_schema_extra={"enum": SIDES})
    messages: list[MessageOut] = Field(..., description="The thread, oldest first")

    @staticmethod
    def resolve_side(question: Question, context: dict[str, Any]) -> str | None:
        return queries.side_of(context["request"].user, question)

    @staticmethod
    def resolve_messages(question: Question) -> list[QuestionMessage]:
        return list(question.messages.all())


class AnswerIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    text: str = Field(..., min_length=1, max_length=actions.MAX_MESSAGE, description="The message")


def _question_and_side(request: HttpRequest, question_id: uuid.UUID) -> tuple[Question, str]:
    question = queries.get_question_for_user(request.user, question_id)
    side = queries.side_of(request.user, question)
    if side is None:
        raise Http404("No such question")
    return question, side


@router.get(
    "",
    url_name="question-list",
    response=list[QuestionOut],
    summary="The PSO's questions about submitted events, where you take part (newest message first)",
)
@paginate(BoundedLimitOffset)
def list_questions(request: HttpRequest) -> QuerySet[Question]:
    return queries.questions_for(request.user).order_by("-last_message_at", "-id")


@router.get(
    "/{question_id}",
    url_name="question-detail",
    response={200: ThreadOut, 404: ErrorOut},
    summary="One question with its thread; the read is audited",
)
def get_question(request: HttpRequest, question_id: QuestionId) -> Question:
    question, side = _question_and_side(request, question_id)
    actions.record_question_view(user=request.user, question=question, side=side)
    return question


@router.post(
    "/{question_id}/answers",
    url_name="question-answer",
    response={201: ThreadOut, 404: ErrorOut, 422: ErrorOut},
    summary="Answer a question (or follow one up): a message in the thread from your side",
    description=(
        "The provider's safety manager answers the PSO's question; the PSO's staff may follow up in the same "
        "thread. As the question page's Send button: the same audit event, the turn passes to the other side "
        "(`awaits`), and the other side is notified. Answers 201 with the thread."
    ),
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": AnswerIn.model_json_schema()}},
            "required": True,
        }
    },
)
def answer_question(request: HttpRequest, question_id: QuestionId) -> Status[Question]:
    # The question first: a foreign id is a 404 whatever the body holds, as a missing one is.
    question, side = _question_and_side(request, question_id)
    try:
        answer = AnswerIn.model_validate(json.loads(request.body or b"null"))
    except ValueError as exc:  # not JSON, or not an answer (pydantic's ValidationError is a ValueError)
        raise ValidationError(_errors(exc)) from None
    try:
        actions.reply(user=request.user, question=question, side=side, text=answer.text)
    except actions.MessageInvalid as exc:
        raise ValidationError([{"loc": ("body", "text"), "type": "invalid", "msg": str(exc)}]) from None
    return Status(201, question)


def _errors(exc: ValueError) -> list[dict[str, object]]:
    if isinstance(exc, pydantic.ValidationError):
        return [dict(error) for error in exc.errors(include_url=False)]
    return [{"loc": ("body",), "type": "invalid_json", "msg": 'the body must be JSON: {"text": "…"}'}]

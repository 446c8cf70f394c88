"""The Just Culture decision aid as data and one pure function.

The questions follow Reason's culpability decision tree (tests of intent, incapacity,
foresight and substitution) and the responses the Outcome Engenuity model (Marx, 2001):
human error → console, at-risk behaviour → coach, reckless behaviour → sanction or a
remedial path (regulatory notes §8.1). The blameworthy events RCA² excludes — criminal
act, substance impairment, deliberate unsafe act, patient abuse — leave the aid for the
HR / administrative process, outside RCA² (§8.2).

Outcome severity must not drive the response (§8.1): no question asks how bad the harm
was, and `decide` is never given it. The decision is recorded as a deliberation (PSWP);
nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class Category:
    HUMAN_ERROR = "human_error"
    AT_RISK = "at_risk"
    RECKLESS = "reckless"
    BLAMEWORTHY = "blameworthy"

    LABELS = {
        HUMAN_ERROR: "Human error",
        AT_RISK: "At-risk behaviour",
        RECKLESS: "Reckless behaviour",
        BLAMEWORTHY: "Blameworthy event — outside RCA²",
    }


class Response:
    CONSOLE = "console"
    COACH = "coach"
    SANCTION = "sanction"
    REFER_TO_HR = "refer_to_hr"

    LABELS = {
        CONSOLE: "Console the person; fix the system",
        COACH: "Coach the person; remove the incentives for the risky choice",
        SANCTION: "Sanction or remedial path (disciplinary action may be considered)",
        REFER_TO_HR: "Refer to HR / the administrative process, outside RCA²",
    }


# Shown wherever the aid leads to a sanction or to HR. 42 U.S.C. 299b-22(e):
# no adverse employment action because a person reported in good faith to the provider (meaning
# it for a PSO) or to a PSO; 299b-22(a): PSWP is privileged in any administrative disciplinary
# proceeding, so HR must build its case from facts it holds outside the PSES.
EMPLOYMENT_NOTE = (
    "No adverse employment action may be taken against anyone because they reported in good faith, "
    "to this provider for its PSO or to the PSO (42 U.S.C. 299b-22(e)); the fact of a report is never "
    "a ground. HR and any disciplinary process act only on facts from outside the PSES (the medical "
    "record, their own interviews and records), never on this decision, the report or other Patient "
    "Safety Work Product, which is privileged in disciplinary proceedings (42 U.S.C. 299b-22(a))."
)


# The blameworthy-event exits (RCA², NPSF 2015; regulatory notes §8.2).
class Exit:
    CRIMINAL_ACT = "criminal_act"
    SUBSTANCE_IMPAIRMENT = "substance_impairment"
    DELIBERATE_UNSAFE_ACT = "deliberate_unsafe_act"
    PATIENT_ABUSE = "patient_abuse"

    LABELS = {
        CRIMINAL_ACT: "a criminal act",
        SUBSTANCE_IMPAIRMENT: "impairment by alcohol or drugs",
        DELIBERATE_UNSAFE_ACT: "a deliberate unsafe act",
        PATIENT_ABUSE: "abuse of a patient",
    }


YES, NO = "yes", "no"


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    hint: str
    choices: tuple[tuple[str, str], ...]
    # Asked only when the named earlier question had this answer (None: always on the path).
    only_if: tuple[str, str] | None = None


YES_NO = ((YES, "Yes"), (NO, "No"))

QUESTIONS: tuple[Question, ...] = (
    Question(
        code="intent",
        text="Intent: was the act meant to harm, or outside the law?",
        hint="Reason's test of intent. Were the actions and their consequences as intended?",
        choices=(
            (NO, "No"),
            (Exit.DELIBERATE_UNSAFE_ACT, "Yes — a deliberate unsafe act (harm or the unsafe act was intended)"),
            (Exit.PATIENT_ABUSE, "Yes — abuse of a patient"),
            (Exit.CRIMINAL_ACT, "Yes — a criminal act (e.g. drug diversion, assault, falsified records)"),
        ),
    ),
    Question(
        code="impairment",
        text="Incapacity: was the person impaired at the time?",
        hint="Reason's test of incapacity: substances, or illness and other medical conditions.",
        choices=(
            (NO, "No"),
            (Exit.SUBSTANCE_IMPAIRMENT, "Yes — by alcohol or drugs"),
            ("illness", "Yes — by illness or another medical condition"),
        ),
    ),
    Question(
        code="knowing_violation",
        text="Foresight: did the person knowingly violate a safe procedure, consciously disregarding "
        "a substantial and unjustifiable risk?",
        hint="Conscious disregard: they saw the risk, knew it was unjustifiable, and took it anyway.",
        choices=YES_NO,
    ),
    Question(
        code="procedure_workable",
        text="Was that procedure available, workable, understandable and correct?",
        hint="Only if you answered yes to the question above. A procedure nobody can follow invites violations.",
        choices=YES_NO,
        only_if=("knowing_violation", YES),
    ),
    Question(
        code="risky_choice",
        text="Drift: did the person make a choice whose risk they did not recognise, or believed was "
        "justified (a shortcut, a workaround, drift from the procedure)?",
        hint="Only if there was no knowing violation. If no: it was a slip, lapse or mistake.",
        choices=YES_NO,
        only_if=("knowing_violation", NO),
    ),
    Question(
        code="substitution",
        text="Substitution test: would two or three peers with similar training and experience, in the "
        "same situation, likely have done the same?",
        hint="Only if there was no knowing violation. Yes points at the system rather than the person.",
        choices=YES_NO,
        only_if=("knowing_violation", NO),
    ),
)

QUESTIONS_BY_CODE = {q.code: q for q in QUESTIONS}

SEVERITY_NOTE = (
    "Judge the behaviour, not the outcome: the same choice deserves the same response whether "
    "it caused no harm or grave harm. Outcome severity must not drive the response."
)


@dataclass(frozen=True)
class Outcome:
    category: str  # Category code
    response: str  # Response code
    explanation: str
    exit: str = ""  # Exit code for a blameworthy event, else ""

    @property
    def category_label(self) -> str:
        return Category.LABELS[self.category]

    @property
    def response_label(self) -> str:
        return Response.LABELS[self.response]

    @property
    def employment_note(self) -> str:
        """The law on employment action, where the response may lead to one ("" elsewhere)."""
        return EMPLOYMENT_NOTE if self.response in (Response.SANCTION, Response.REFER_TO_HR) else ""

    @property
    def refers_to_hr(self) -> bool:
        return self.response == Response.REFER_TO_HR

    def as_data(self) -> dict[str, str]:
        return {
            "category": self.category,
            "response": self.response,
            "explanation": self.explanation,
            "exit": self.exit,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, str]) -> Outcome:
        return cls(data["category"], data["response"], data.get("explanation", ""), exit=data.get("exit", ""))


class IncompleteAnswers(ValueError):
    """A question the path needs is unanswered or has an answer it does not offer."""

    def __init__(self, question: Question) -> None:
        super().__init__(f"answer the question “{question.text}”")
        self.question = question


_HR_WHY = (
    "This is a blameworthy event ({what}). RCA² leaves it to HR and the administrative process; "
    "the RCA² of the system goes on without the question of this person's blame. Build the "
    "referral from the original records, not from this deliberation, which is Patient Safety "
    "Work Product."
)


def _answer(answers: Mapping[str, str], code: str) -> str:
    question = QUESTIONS_BY_CODE[code]
    value = answers.get(code, "")
    if value not in {c for c, _ in question.choices}:
        raise IncompleteAnswers(question)
    return value


def _blameworthy(exit_code: str) -> Outcome:
    return Outcome(
        Category.BLAMEWORTHY, Response.REFER_TO_HR, _HR_WHY.format(what=Exit.LABELS[exit_code]), exit=exit_code
    )


def decide(answers: Mapping[str, str]) -> Outcome:
    """Walk the tree in order and return the first outcome it reaches.

    Answers off the path (e.g. the drift question after a knowing violation) are ignored.
    Raises IncompleteAnswers naming the first question the path needs and lacks.
    """
    intent = _answer(answers, "intent")
    if intent != NO:
        return _blameworthy(intent)
    impairment = _answer(answers, "impairment")
    if impairment == Exit.SUBSTANCE_IMPAIRMENT:
        return _blameworthy(impairment)
    if impairment == "illness":
        return Outcome(
            Category.HUMAN_ERROR,
            Response.CONSOLE,
            "Impairment by illness is not culpable (Reason's incapacity test): console and support "
            "the person, ask occupational health for a fitness-for-duty review, and look at the system "
            "(staffing, fatigue, cover) that let an unwell person carry on.",
        )
    if _answer(answers, "knowing_violation") == YES:
        if _answer(answers, "procedure_workable") == YES:
            return Outcome(
                Category.RECKLESS,
                Response.SANCTION,
                "A conscious disregard of a substantial and unjustifiable risk, against a workable "
                "procedure, is reckless behaviour: a sanction or remedial path, decided by the person's "
                "manager under the provider's policy.",
            )
        return Outcome(
            Category.AT_RISK,
            Response.COACH,
            "A system-induced violation: the procedure could not be followed as written, so the risk "
            "was believed justified. Coach the person and fix the procedure.",
        )
    risky_choice = _answer(answers, "risky_choice")
    peers_same = _answer(answers, "substitution") == YES
    if risky_choice == YES:
        if peers_same:
            return Outcome(
                Category.AT_RISK,
                Response.COACH,
                "At-risk behaviour that peers share (normalised drift): coach, and remove the "
                "incentives and system pressures that make the shortcut look right to everyone.",
            )
        return Outcome(
            Category.AT_RISK,
            Response.COACH,
            "At-risk behaviour: the risk was not recognised or was believed justified. Coach the "
            "person to see the risk; remove incentives for the risky choice.",
        )
    if peers_same:
        return Outcome(
            Category.HUMAN_ERROR,
            Response.CONSOLE,
            "Human error (a slip, lapse or mistake) that peers would likely have made too: console "
            "the person and fix the system that made the error easy.",
        )
    return Outcome(
        Category.HUMAN_ERROR,
        Response.CONSOLE,
        "Human error that peers would likely not have made: console the person, and look at "
        "training, experience and supervision (Reason: deficiencies in training or selection) — "
        "still a system question, not blame.",
    )


def path(answers: Mapping[str, str]) -> dict[str, str]:
    """The answers `decide` consulted, in question order: what the deliberation records."""
    consulted: dict[str, str] = {}
    for question in QUESTIONS:
        if question.only_if is not None:
            code, wanted = question.only_if
            if consulted.get(code) != wanted:
                continue
        value = answers.get(question.code, "")
        if value not in {c for c, _ in question.choices}:
            break
        consulted[question.code] = value
        if question.code == "intent" and value != NO:
            break
        if question.code == "impairment" and value != NO:
            break
        if question.code == "procedure_workable":
            break
    return consulted

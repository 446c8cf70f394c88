import sys
from pathlib import Path

import pytest

from benchmarks.deid.evaluate import evaluate
from benchmarks.deid.runner import ContractError, parse_output, run_command
from benchmarks.deid.score import Note, Span

FAKE = [sys.executable, str(Path(__file__).with_name("fake_deid.py")), "--jsonl"]
NOTES = [
    Note(id="1", text="Maria fell in room 4", gold=(Span(0, 5, "PATIENT"), Span(19, 20, "ROOM"))),
    Note(id="2", text="seen by Dr Ruiz\u2028at noon", gold=(Span(11, 15, "STAFF"),)),
]


def test_a_command_speaking_the_contract_is_run_timed_and_scored():
    result = evaluate(tool="fake", command=FAKE, corpus="openpso-demo", notes=NOTES)
    assert "error" not in result
    assert result["notes"] == 2
    assert result["notes_per_s"] > 0
    assert result["per_type"]["PATIENT"]["found"] == 1
    assert result["per_type"]["ROOM"]["found"] == 0
    assert result["span_recall"] == 2 / 3


def test_a_text_with_a_unicode_line_separator_stays_one_line():
    run = run_command(FAKE, NOTES)
    assert [p.spans for p in run.predictions] == [(Span(0, 5, "NAME"),), (Span(8, 10, "NAME"), Span(11, 15, "NAME"))]


def test_an_error_line_is_counted_as_a_miss_not_a_failed_run():
    result = evaluate(tool="fake", command=[*FAKE, "--error-on", "1"], corpus="openpso-demo", notes=NOTES)
    assert result["errors"] == 1
    assert result["per_type"]["PATIENT"]["found"] == 0
    assert result["per_type"]["STAFF"]["found"] == 1


def test_a_missing_output_line_fails_the_run():
    with pytest.raises(ContractError, match="1 output lines for 2 input lines"):
        run_command([*FAKE, "--drop-last"], NOTES)


def test_an_answer_under_another_id_fails_the_run():
    with pytest.raises(ContractError, match="has id 'someone-else', expected '1'"):
        run_command([*FAKE, "--wrong-id"], NOTES)


def test_a_span_beyond_the_text_fails_the_run():
    with pytest.raises(ContractError, match="bad span"):
        run_command([*FAKE, "--span-past-end"], NOTES)


def test_a_crashing_command_fails_with_the_end_of_its_stderr():
    with pytest.raises(ContractError, match=r"exited with status 3: .*RuntimeError: boom"):
        run_command([*FAKE, "--crash"], NOTES)


def test_a_command_that_outlives_its_timeout_is_killed_and_fails_the_run():
    with pytest.raises(ContractError, match=r"killed after 0.5 s"):
        run_command([sys.executable, "-c", "import time; time.sleep(30)"], NOTES, timeout=0.5)


def test_a_command_that_cannot_start_fails_the_run():
    with pytest.raises(ContractError, match="cannot start"):
        run_command(["/nonexistent/openpso", "deid", "--jsonl"], NOTES)


def test_a_broken_contract_is_reported_as_an_error_without_figures():
    result = evaluate(tool="fake", command=[*FAKE, "--drop-last"], corpus="openpso-demo", notes=NOTES)
    assert result["error"] == "1 output lines for 2 input lines"
    assert "span_recall" not in result


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"not json", "not JSON"),
        (b"[1]", "not a JSON object"),
        (b'{"id": "1", "text": "x"}', "lacks a text string and a spans list"),
        (b'{"id": "1", "text": "x", "spans": [{"start": true, "end": 1, "type": "X"}]}', "bad span"),
        (b'{"id": "1", "text": "x", "spans": [{"start": 2, "end": 1, "type": "X"}]}', "bad span"),
    ],
)
def test_a_malformed_answer_fails_the_run(line, message):
    with pytest.raises(ContractError, match=message):
        parse_output(line + b"\n", NOTES[:1])

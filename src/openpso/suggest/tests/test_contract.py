"""The `openpso suggest --jsonl` line contract, checked in-process on the shipped model."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

from openpso.suggest.codes import CATEGORIES, EVENT_TYPES, HARM
from openpso.suggest.stream import run, suggest_jsonl_chunk

NOTES: list[dict[str, Any]] = [
    {"id": "fall", "text": "Patient found on the floor beside the bed at 0300, hip pain, x-ray negative."},
    {
        "id": "med",
        "text": "Heparin drip programmed at 10 times the ordered rate; caught by the second nurse before it "
        "reached the patient.",
    },
    {"id": 7, "text": "Fire exit on unit 4 blocked by linen carts during rounds; no patient involved."},
]


def _lines(items: Sequence[object]) -> list[bytes]:
    return [json.dumps(item).encode() if not isinstance(item, bytes) else item for item in items]


def _out(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode().splitlines()]


def test_one_line_out_per_line_in_in_order_with_codes_from_herf():
    out = _out(suggest_jsonl_chunk(_lines(NOTES)))
    assert [o["id"] for o in out] == ["fall", "med", 7]
    for o in out:
        assert set(o) == {"id", "event_type", "categories", "harm"}
        assert o["event_type"] in EVENT_TYPES
        assert o["harm"] is None or o["harm"] in HARM
        codes = [c["code"] for c in o["categories"]]
        scores = [c["score"] for c in o["categories"]]
        assert codes
        assert set(codes) <= set(CATEGORIES)
        assert len(set(codes)) == len(codes)
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)


def test_bad_lines_get_an_error_and_the_run_goes_on():
    lines = _lines(
        [b"{not json", {"text": "no id here"}, {"id": "n", "text": 42}, ["a", "list"], NOTES[0], {"id": "t"}]
    )
    out = _out(suggest_jsonl_chunk(lines))
    assert [o.get("id") for o in out] == [None, None, "n", None, "fall", "t"]
    assert [("error" in o) for o in out] == [True, True, True, True, False, True]
    assert "JSON" in out[0]["error"]
    assert "'id'" in out[1]["error"]
    assert "string" in out[2]["error"]
    assert "'text'" in out[5]["error"]


def test_same_input_same_output():
    lines = _lines(NOTES)
    assert suggest_jsonl_chunk(lines) == suggest_jsonl_chunk(lines)


def test_a_note_is_suggested_alike_alone_or_in_a_batch():
    alone = _out(suggest_jsonl_chunk(_lines(NOTES[:1])))[0]
    batched = _out(suggest_jsonl_chunk(_lines(NOTES)))[0]
    assert alone == batched


def test_run_streams_many_chunks_in_order_and_skips_blank_lines():
    notes = [{"id": f"n{i}", "text": NOTES[i % 3]["text"]} for i in range(150)]
    source = io.BytesIO(b"\n".join(json.dumps(n).encode() for n in notes) + b"\n\n")
    sink = io.BytesIO()
    run(workers=1, stdin=source, stdout=sink)
    out = _out(sink.getvalue())
    assert [o["id"] for o in out] == [n["id"] for n in notes]
    assert {k: v for k, v in out[0].items() if k != "id"} == {k: v for k, v in out[3].items() if k != "id"}

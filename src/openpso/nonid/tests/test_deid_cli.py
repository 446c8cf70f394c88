"""`openpso deid` and its `--jsonl` contract, which outside evaluations depend on."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from openpso.nonid.deid import cli, stream

EXAMPLE = "Pt John Smith (MRN 1234567) fell on 7/22 in rm 4B, Dr. Alvarez notified at 555-201-3344"


def deid(*args: str, data: bytes) -> tuple[bytes, bytes]:
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "openpso.cli", "deid", *args], input=data, capture_output=True, timeout=120, check=True
    )
    return done.stdout, done.stderr


def deid_here(*args: str, data: bytes) -> tuple[bytes, bytes]:
    """`openpso deid` run in this process (its argument parser, stdin and stdout): the same command
    without a new interpreter's start-up, on one worker (a pool would fork the multi-threaded test
    worker). The subprocess tests keep the real entry point, the pool and the start-up imports covered."""
    stdin, stdout, stderr = (io.TextIOWrapper(io.BytesIO(data)), io.TextIOWrapper(io.BytesIO()), io.StringIO())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", stdin)
        patch.setattr(sys, "stdout", stdout)
        patch.setattr(sys, "stderr", stderr)
        assert cli.main(["--workers", "1", *args]) == 0
    stdout.flush()
    return stdout.buffer.getvalue(), stderr.getvalue().encode()  # type: ignore[attr-defined]


def jsonl(lines: list[bytes], *args: str, run: Callable[..., tuple[bytes, bytes]] = deid_here) -> list[dict[str, Any]]:
    out, err = run("--jsonl", *args, data=b"\n".join(lines) + b"\n")
    assert err == b""
    return [json.loads(line) for line in out.splitlines()]


def test_plain_text_comes_back_without_identifiers() -> None:
    out, err = deid(data=(EXAMPLE + "\n").encode())
    assert out.decode() == "Pt [PATIENT] (MRN [MRN]) fell on [DATE] in rm [ROOM], Dr. [STAFF] notified at [PHONE]\n"
    assert err == b""


def test_jsonl_answers_each_line_in_order_with_offsets_into_the_input() -> None:
    notes: list[dict[str, Any]] = [
        {"id": f"n{i}", "text": f"Dr. Alvarez saw patient {i} on 7/2{i % 10}."} for i in range(150)
    ]
    notes.insert(3, {"id": 7, "text": EXAMPLE})
    results = jsonl([json.dumps(n).encode() for n in notes])
    assert [r["id"] for r in results] == [n["id"] for n in notes]
    example = results[3]
    assert example["text"] == "Pt [PATIENT] (MRN [MRN]) fell on [DATE] in rm [ROOM], Dr. [STAFF] notified at [PHONE]"
    found = [EXAMPLE[s["start"] : s["end"]] for s in example["spans"]]
    assert found == ["John Smith", "1234567", "7/22", "4B", "Alvarez", "555-201-3344"]
    assert {s["type"] for s in example["spans"]} == {"PATIENT", "MRN", "DATE", "ROOM", "STAFF", "PHONE"}


def test_bad_lines_get_an_error_and_the_run_goes_on() -> None:
    lines = [
        b'{"id": "a", "text": "Dr. Alvarez"}',
        b'{"id": "b", "text": ',
        b"[1, 2, 3]",
        b'{"id": "d"}',
        b'{"id": "e", "text": 42}',
        b'{"id": "f", "text": "caf\xe9 \xff"}',
        b'{"id": "g", "text": "x", "context": {"patient_names": "Ann"}}',
        b'{"id": "h", "text": "Dr. Alvarez"}',
    ]
    results = jsonl(lines)
    assert len(results) == len(lines)
    assert results[0]["text"] == "Dr. [STAFF]"
    assert [r.get("id") for r in results[1:7]] == [None, None, "d", "e", None, "g"]
    for result in results[1:7]:
        assert set(result) == {"id", "error"}
        assert result["error"]
    assert "'text' is missing" in str(results[3]["error"])
    assert "must be a string" in str(results[4]["error"])
    assert "UTF-8" in str(results[5]["error"])
    assert results[7]["text"] == "Dr. [STAFF]"


def test_empty_text_gives_empty_output() -> None:
    assert jsonl([b'{"id": "e", "text": ""}']) == [{"id": "e", "text": "", "spans": []}]


def test_odd_unicode_keeps_offsets_in_characters() -> None:
    text = "😀\u0301 Dr. Alvarez \u200f\u05e9\u05dc\u05d5\u05dd\x00 on 7/22 \ud800 ok"
    (result,) = jsonl([json.dumps({"id": "u", "text": text}).encode()])
    spans = result["spans"]
    assert [text[s["start"] : s["end"]] for s in spans] == ["Alvarez", "7/22"]


def test_a_very_long_note_is_scrubbed_whole() -> None:
    # Just past spaCy's max_length (1,000,000 characters), which the model refuses in one piece.
    text = ("Dr. Alvarez reviewed the pump log on 7/22 and found no fault in the device. " * 14000)[:1_050_000]
    (result,) = jsonl([json.dumps({"id": "long", "text": text}).encode()])
    assert "Alvarez" not in str(result["text"])
    assert len(result["spans"]) > 27000


def test_context_in_a_line_is_used() -> None:
    line = {"id": "c", "text": "maria lopez fell", "context": {"patient_names": ["Maria Lopez"]}}
    (result,) = jsonl([json.dumps(line).encode()])
    assert result["text"] == "[PATIENT] fell"


def test_one_worker_and_two_workers_agree() -> None:
    lines = [json.dumps({"id": i, "text": f"{EXAMPLE} #{i} seen by Dr. Okafor."}).encode() for i in range(200)]
    # In a process of its own: the pool forks, which a multi-threaded test worker must not.
    assert jsonl(lines, "--workers", "1", run=deid) == jsonl(lines, "--workers", "2", run=deid)


def test_crlf_and_blank_lines_are_read() -> None:
    out, _ = deid_here("--jsonl", data=b'{"id": 1, "text": "Dr. Alvarez"}\r\n\r\n{"id": 2, "text": "on 7/22"}\r\n')
    assert [json.loads(line)["id"] for line in out.splitlines()] == [1, 2]


def test_the_pool_never_runs_far_ahead_of_the_reader() -> None:
    pulled: list[int] = []

    def source() -> Iterator[int]:
        for i in range(100):
            pulled.append(i)
            yield i

    results = stream._ordered(_double, source(), 2, on_done=lambda done: None)
    for expected, got in enumerate(results):
        assert got == expected * 2
        # At most 2 × workers items are in flight, plus the one being submitted.
        assert len(pulled) - expected <= 2 * 2 + 1


def _double(x: int) -> int:
    return x * 2


@pytest.mark.parametrize("args", [["--workers", "0"], ["--dates", "month"]])
def test_bad_options_are_refused_with_a_message(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        cli.main(args)
    assert refused.value.code == 2  # `openpso` exits with what the command returns or raises
    assert args[0] in capsys.readouterr().err


def test_one_item_is_done_without_a_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for one item")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor.__init__", no_pool)
    assert list(stream._ordered(_double, iter([21]), 2, on_done=lambda done: None)) == [42]


def test_the_cli_does_not_load_the_model_unless_asked() -> None:
    # spaCy costs seconds of start-up (issue 14); the rules run without it. Nor does one
    # report import the pool's multiprocessing or importlib.metadata (a fifth of start-up).
    line = json.dumps({"id": 1, "text": EXAMPLE}) + "\n"
    probe = (
        "import sys, io; from openpso.nonid.deid import stream; "
        f"stream.run(jsonl=True, stdin=io.BytesIO({line.encode()!r}), stdout=io.BytesIO()); "
        "print([m for m in ('spacy', 'multiprocessing', 'importlib.metadata') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=120, check=True)  # noqa: S603
    assert done.stdout.strip() == b"[]"


def test_the_word_lists_are_keyed_by_the_installed_versions() -> None:
    from importlib.metadata import version as metadata_version

    from openpso.nonid.deid import lexicon

    for package in ("names", "faker", "wordfreq", "zipcodes", "drug-named-entity-recognition"):
        assert lexicon.version(package) == metadata_version(package)


def test_the_model_flag_is_accepted_and_keeps_the_contract() -> None:
    (result,) = jsonl([json.dumps({"id": 1, "text": EXAMPLE}).encode()], "--model")
    assert result["id"] == 1
    assert "[STAFF]" in result["text"]

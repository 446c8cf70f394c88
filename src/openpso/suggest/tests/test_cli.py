"""`openpso suggest --jsonl` as outside evaluations run it: the installed command, no Django."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

OPENPSO = Path(sys.executable).with_name("openpso")


def test_the_command_answers_each_line_in_order():
    lines = [
        json.dumps({"id": "a", "text": "Patient slipped in the shower and fell, small laceration to the chin."}),
        "not json",
        json.dumps({"id": "b", "text": "Expired vials of insulin found in the unit fridge during a check."}),
    ]
    done = subprocess.run(  # noqa: S603
        [str(OPENPSO), "suggest", "--jsonl"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "b"]
    assert "error" in out[1]
    assert out[0]["event_type"] in {"A3", "A6", "A9"}
    assert out[0]["categories"][0]["code"] == "A48"

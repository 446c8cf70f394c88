"""A stand-in for `openpso deid --jsonl` in the harness's tests: flags every capitalised word.

Options make it break the contract on purpose: --error-on ID answers that note with an error
line, --drop-last leaves out the last answer, --wrong-id renames the first answer, --span-past-end
answers a span beyond the text, --crash exits 3 after writing to stderr.
"""

import argparse
import json
import re
import sys

WORD = re.compile(r"\b[A-Z][a-z]+\b")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jsonl", action="store_true")
    parser.add_argument("--error-on")
    parser.add_argument("--drop-last", action="store_true")
    parser.add_argument("--wrong-id", action="store_true")
    parser.add_argument("--span-past-end", action="store_true")
    parser.add_argument("--crash", action="store_true")
    args = parser.parse_args()
    if args.crash:
        sys.stderr.write("Traceback (most recent call last):\nRuntimeError: boom\n")
        return 3
    answers = []
    for number, line in enumerate(sys.stdin):
        item = json.loads(line)
        text = item["text"]
        if item["id"] == args.error_on:
            answers.append({"id": item["id"], "error": "refused"})
            continue
        spans = [{"start": m.start(), "end": m.end(), "type": "NAME"} for m in WORD.finditer(text)]
        if args.span_past_end:
            spans.append({"start": 0, "end": len(text) + 1, "type": "NAME"})
        scrubbed = WORD.sub("[NAME]", text)
        answers.append(
            {"id": "someone-else" if args.wrong_id and number == 0 else item["id"], "text": scrubbed, "spans": spans}
        )
    if args.drop_last:
        answers.pop()
    for answer in answers:
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

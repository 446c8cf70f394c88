"""Suggestions for a safety report: its event type, categories and harm as Common Formats codes.

`openpso suggest --jsonl` (cli.py) reads narratives and writes, for each, the HERF-1.2 event type
(A3 incident, A6 near miss, A9 unsafe condition), the categories (A42…A66) with scores and the
harm-scale LOINC answer. The model (model.py) is a small linear head over features computed with
numpy only (features.py); it is fitted by train.py (scikit-learn, never at run time) from the
labelled narratives in data/ and shipped as data/model.npz. Decision record:
docs/decisions/0021-suggester.md.

This package imports no Django and no other app: `openpso suggest` runs without settings.
"""

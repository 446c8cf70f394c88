"""The pooled, non-identified dataset ("lake"): Parquet files of every member's events (issue 6 item 4).

Made only from the PSO's submissions (`openpso.submissions`), each event through the
non-identification pipeline (`openpso.nonid.pipeline`) first (DESIGN invariant 5). Analytics
read these files, never the identified tables. Layout and schema: docs/lake.md.
"""

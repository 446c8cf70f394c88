"""The pooled, pseudonymised dataset ("lake"): Parquet files of every member's events.

Protected PSWP the PSO holds, not a non-identified release: what leaves it goes through a
release profile (docs/nonid.md).

Made only from the PSO's submissions (`openpso.submissions`), each event through the
non-identification pipeline (`openpso.nonid.pipeline`) first (DESIGN invariant 5). Analytics
read these files, never the identified tables. Layout and schema: docs/lake.md.
"""

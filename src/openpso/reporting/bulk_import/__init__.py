"""Bulk import of event reports from a provider's incident system (CSV or XLSX exports).

One job per module: `storage` keeps the uploaded file encrypted at rest, `reader` streams its
rows, `mapping` is the saved column and value mapping (JSON, docs/interchange.md), `proposal`
proposes one from the file's headers and values, `dry_run` lists every row that would fail,
`actions` runs the import (resumable, idempotent on the source system's id) a batch at a time,
`batch` files one batch set-based, `views` are the safety manager's pages. The background task
is `openpso.flows.bulk_import_task`: each batch's new reports are followed by
`flows.reports_filed`, which only an entry point may call.
"""

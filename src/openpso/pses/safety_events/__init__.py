"""Safety events inside the PSES: the safety manager's queue (search, saved filters, bulk changes),
an event and its reports (linking, triage, assignment, status, addenda, corrections, "what
changed"), the clocks of its deadlines and their outcomes, and the notifications they raise.
`actions` (state changes with their audit events), `bulk`, `triage`, `clocks`, `clock_outcomes`,
`clockwatch`, `forms`, `views`, `queue_views`, `urls`. Not `pses/events/`: in every app
`events.py` holds the typed audit actions (decision 0019)."""

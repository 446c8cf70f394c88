"""Functional reporting: the provider opens a defined part of its PSES to the PSO from a date, and
each report in scope reaches the PSO as it is filed or changes. `actions` (grant, revoke, report,
with their audit events), `forms`, `views`."""

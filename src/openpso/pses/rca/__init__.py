"""RCA² investigations inside the PSES: the team, facts, causal statements, root causes, the action
plan and each action's effectiveness review (NPSF 2015). `models`, `actions` (state changes with their
audit events), `queries` (tenancy-scoped reads), `forms`, `views`, `urls`, `effectiveness`."""

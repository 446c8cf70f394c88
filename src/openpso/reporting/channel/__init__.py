"""The follow-up channel between the safety team and the reporter: the no-login anonymous report
with its receipt and passphrase, "My reports" for identified reporters, and the team's questions and
notes (decision 0007). `actions` (state changes with their audit events), `queries` (tenancy-scoped
reads), `receipts` (receipt codes, passphrases, signed tokens), `forms`, `views`, `urls`."""

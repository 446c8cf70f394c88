"""Learning reports back to members (HTML and PDF), built in the background. `actions` (request,
generate, record a read, with their audit events), `content` (what each kind of report says),
`document` (the report as data), `pdf`, `forms`, `views`, `urls`."""

"""The reporters' digest: "what changed because you reported". `queries` (the provider's own
implemented actions that came from its reports), `views`, `urls`."""

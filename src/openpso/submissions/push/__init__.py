"""Pushing events to the PSO: a safety manager's choice on the submit page or a batch through the
API (`api`, with the provider's API keys: `keys`). `actions` (submit and receive, with their audit
events), `keys`, `api`, `forms`, `views`."""

"""The PSO's inbox of its members' submitted events, status per member, and the question threads
between the PSO and a provider. `actions` (audited reads, questions and replies), `forms`,
`views`, `urls` (`/pso/`; the provider's thread pages are in the app's `urls`)."""

"""Safety alerts: the PSO writes one, publishes it to the members that receive alerts, withdraws
it; each member acknowledges and answers its copy. `actions` (state changes with their audit
events), `evidence` (pooled signals attached as evidence: a release), `forms`, `views` (the
PSO's pages), `member_views` (members' and health systems' pages), `urls`."""

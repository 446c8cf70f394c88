"""PSES deliberations: the committee's analysis records, PSWP by the deliberations pathway from the
moment they are written and never sent to the PSO. `models`, `actions` (state changes with their audit
events), `forms`, `views`, `urls`."""

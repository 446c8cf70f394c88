"""Non-identification: what must happen to an event before it leaves a provider for pooling.

`openpso.nonid.deid` is the narrative de-identification engine (pure Python, no Django);
the Django side (review of a scrubbed narrative, corrections kept as labelled examples)
lives beside it in this app.
"""

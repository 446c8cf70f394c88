"""Submission of events from providers to their PSO: push and functional reporting.

A `Submission` is the PSO's own copy of one version of one event, as the member agreement
allows it to be shared: identified to the PSO and PSWP. The pooled, pseudonymised dataset
(`openpso.lake`) is made from these rows, never from the provider's records.
"""

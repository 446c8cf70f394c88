"""The PSO's compliance register (42 CFR 3.102 listing, 3.106 security).

Member agreements counted per 24-month period since the initial listing, relationship
disclosures to AHRQ, the listing's expiry, and security risk assessments — each with a flag
(`register.py`), shown to the PSO's administrators under /compliance/ and printed by
`openpso compliance` (exit status 1 on a red flag, for cron).
"""

"""What leaves the PSO's pool for the national database and other systems.

The pool (the lake, `pso-pool/1`) is protected, pseudonymised PSWP the PSO holds; nothing in it
leaves as it is. `released` reads the pooled events that entered or changed since a date and
applies the release profile in force (`nonid.release`: the year, or the month under an expert
determination; age bands; peer attributes coarsened to k providers; no free text), and records
the release. `cda` writes each released event as an HL7 CDA R2 document with succession
(`models.NationalDocument`), checked against the CDA R2 schema (`validate`); `fhir_r5` writes
them as FHIR R5 AdverseEvent NDJSON. `run` puts both behind one call for the command and the
API's Bulk Data jobs (`jobs`). docs/interchange.md describes the formats.
"""

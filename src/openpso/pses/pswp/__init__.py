"""The provider's PSWP pages: drop-out, disclosures and their log, external reports from original
records, the PSES policy. The rules are the `openpso.pswp` kernel's; these are its pages in the PSES,
mounted at `/pswp/` under the `pswp:` URL names. `forms`, `views`, `urls`."""

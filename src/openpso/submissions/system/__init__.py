"""The health system's view of its affiliates' submitted events, where their member agreements
share them. `views`, `urls` (`/system/`)."""

#!/usr/bin/env python
from openpso.cli import main

if __name__ == "__main__":
    main()

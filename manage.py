#!/usr/bin/env python3
import sys

from pollwatch.cli import main

if __name__ == "__main__":
    sys.exit(main())

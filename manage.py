#!/usr/bin/env python
"""Django's command-line utility for VOROC."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voroc.settings")
    from django.core.management import execute_from_command_line

    from voroc.environment import prepare_development

    prepare_development()  # development: the var folder and its secrets, before the settings read them

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
    # Only a process that serves requests gets the web's statement timeout (settings.py): migrate,
    # seed_demo, import_data and the like may rightly run for minutes.
    serving = len(sys.argv) > 1 and sys.argv[1] == "runserver"
    os.environ.setdefault("PORTAL_PROCESS", "web" if serving else "command")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

"""The test suite's settings: development mode, chosen here explicitly.

minutes.settings defaults to production; the tests (and make run) ask for development.
Subprocesses the tests start inherit DJANGO_SETTINGS_MODULE and so this choice, unless they
set DJANGO_DEBUG themselves (the production checks in test_settings.py do).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from minutes.settings import *  # noqa: E402, F403

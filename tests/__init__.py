"""The test suite. Its workers and the bot processes its tests start import the same modules
(and pytest rewrites the same test modules in each worker): each is compiled once and read back by
the others, even where the environment sets PYTHONDONTWRITEBYTECODE (the __pycache__ folders are
ignored by git)."""

import sys

sys.dont_write_bytecode = False

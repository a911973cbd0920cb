"""Numbered migrations: `mNNNN_name.py` with `VERSION = NN` and `upgrade(op)`.

They are applied in order, each inside the same transaction as the version bump, so a failed
upgrade leaves the database at its previous version. Migrations describe history with
Alembic's portable operations and never import today's table definitions.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType
from typing import Callable


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    upgrade: Callable


def discover() -> list[Migration]:
    migrations: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("m"):
            continue
        module: ModuleType = importlib.import_module(f"{__name__}.{info.name}")
        migrations.append(Migration(int(module.VERSION), info.name, module.upgrade))
    migrations.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in migrations]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version number: {versions}")
    return migrations

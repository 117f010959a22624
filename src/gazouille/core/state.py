"""What the doors share at run time: settings, the database and pub/sub."""

from __future__ import annotations

from dataclasses import dataclass

from gazouille.config import Settings
from gazouille.core.db import Database
from gazouille.core.pubsub import PubSub


@dataclass
class AppState:
    settings: Settings
    db: Database
    pubsub: PubSub

"""What the doors share at run time: settings, the database and pub/sub."""

from __future__ import annotations

from dataclasses import dataclass, field

from gazouille.config import Settings
from gazouille.core.db import Database
from gazouille.core.pubsub import PubSub
from gazouille.core.ratelimit import LocalRateLimiter, RateLimiter


@dataclass
class AppState:
    settings: Settings
    db: Database
    pubsub: PubSub
    ratelimiter: RateLimiter = field(default_factory=LocalRateLimiter)

"""Gazouille: a self-hostable, federated microblogging server."""

__version__ = "0.1.0"
MASTODON_COMPAT_VERSION = "4.3.0"

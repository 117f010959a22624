"""Gazouille: a self-hostable, federated microblogging server."""

__version__ = "0.1.0"
UPSTREAM_API_VERSION = "4.3.0"

"""Federation as the domains see it: ports the ActivityPub door plugs into (remote
resolution), local events that must leave the server, domain blocks and instance health.
Nothing here speaks AS2 or HTTP; that is ``gazouille.federation`` and ``gazouille.activitypub``."""

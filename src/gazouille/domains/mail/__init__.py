"""Outgoing e-mail: queued in the transaction that causes it, sent by a job."""

"""Posting from the web's compose form: uploads, alt text rule, post or schedule."""

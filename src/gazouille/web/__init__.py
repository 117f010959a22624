"""The browser door: server-rendered pages in French and English (Jinja2 + htmx)."""

"""The pages of the site, one module per area."""

"""Taking one's data away (an archive) and bringing one's follows in (Mastodon's CSV)."""

"""The ActivityPub protocol library: vocabulary, HTTP signatures, keys, capped JSON parsing,
HTML sanitizing and the signed HTTP client. No database, no domain rules."""

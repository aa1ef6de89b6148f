"""Personal data: per-user export and erasure, retention of free text."""

"""Idempotency keys: a retried request replays its first response instead of acting twice."""

"""The HTTP pipeline: errors, validation messages, input guard, idempotency, blueprints, paging."""

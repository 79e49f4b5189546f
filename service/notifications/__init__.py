"""WeChat subscribe messages queued in the outbox and delivered by the worker."""

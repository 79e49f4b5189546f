"""Who is calling, as the HTTP pipeline needs it (limits, idempotency, logs).

The pipeline sits below the features, so it does not read tokens itself: the identity layer
registers its reader with the app (`service.identity.auth.init_app`).
"""

from flask import current_app

EXTENSION = "principal_label"


def principal_label() -> str | None:
    """'member:12' or 'admin:3' for a valid token, else None (KeyError if none registered)."""
    return current_app.extensions[EXTENSION]()

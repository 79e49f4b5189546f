"""What other features say about a user's union membership."""

from service.models.accounts import User


def membership_of(user: User) -> dict | None:
    """The user's current membership as shown in `GET /me`, or None."""
    return None

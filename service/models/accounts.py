"""Who calls the API: WeChat users of the mini-program and union staff accounts."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core import clock
from service.core.pii import Encrypted, blind_index_of
from service.extensions import db
from service.models.orgs import Org

ROLES = ("org_admin", "member_reviewer", "station_manager", "refund_reviewer", "finance")


class User(db.Model):
    """A WeChat user of the mini-program, known by openid."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(Encrypted)
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True,
                                                    info=blind_index_of("phone"))
    # One account, one person: the ID number of the account's first application, bound
    # until staff unbind it (service/joining/binding.py).
    id_number: Mapped[str | None] = mapped_column(Encrypted)
    id_number_index: Mapped[str | None] = mapped_column(String(64), index=True,
                                                        info=blind_index_of("id_number"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_login_at: Mapped[datetime | None]
    # Bumped by "log out everywhere": every token issued before stops working.
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    # Set when the person had the account erased (DELETE /me): its tokens stop working.
    erased_at: Mapped[datetime | None] = mapped_column(index=True)


class Admin(db.Model):
    """A union staff account, bound to one org and acting on its subtree."""

    __tablename__ = "admins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(64))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    roles_text: Mapped[str] = mapped_column("roles", String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    # Bumped to revoke every token issued before (password change, reset, roles, disabling).
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    # The one session (a token's "i" claim) that survives the account's own password change.
    kept_session: Mapped[str | None] = mapped_column(String(32))
    # Set by a reset (and on a generated first password): staff routes refuse until changed.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_login_at: Mapped[datetime | None]

    org: Mapped[Org] = relationship(lazy="joined")

    @property
    def roles(self) -> list[str]:
        return [r for r in self.roles_text.split(",") if r]

    @roles.setter
    def roles(self, roles) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        self.roles_text = ",".join(r for r in ROLES if r in set(roles))


class StaffLoginFailure(db.Model):
    """Failed staff sign-ins of one username from one client address (service/identity/login).

    Keyed by the name as typed (folded), so unknown names count exactly like real ones.
    """

    __tablename__ = "staff_login_failures"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(45), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None]
    last_failed_at: Mapped[datetime] = mapped_column(index=True)


class ConsoleSession(db.Model):
    """One sign-in to the staff console (service/console/session.py): its cookie names it,
    and signing out ends it here, so a copied cookie stops working too."""

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=clock.now)
    ended_at: Mapped[datetime | None]

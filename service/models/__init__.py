"""Every model, imported so that migrations and relationships see them all."""

from service.models import figure_capture  # its listeners, on import
from service.models.accounts import Admin, ConsoleSession, StaffLoginFailure, User
from service.models.audit import AuditEntry
from service.models.disputes import JoinDispute
from service.models.figures import FigureChange, FigureCount, FigureState
from service.models.heartbeat import Heartbeat
from service.models.idempotency import IdempotentRequest
from service.models.join_codes import JoinCode, JoinCodeEvent
from service.models.lifecycle import (
    DeadlineReminder,
    MembershipEvent,
    TransferRequest,
    WithdrawalRequest,
)
from service.models.members import JoinApplication, Member, MemberTransfer
from service.models.orgs import Org
from service.models.outbox import OutboxMessage
from service.models.refund_applications import (
    RefundApplication,
    RefundAttachment,
    RefundStatusChange,
)
from service.models.refunds import Enterprise, EnterpriseClaim, RefundPolicy
from service.models.revisions import Revision
from service.models.station_counts import StationCount, StationCountChange
from service.models.station_feedback import StationFeedback
from service.models.stations import Station
from service.models.wechat import wechat_tokens

__all__ = ["Admin", "AuditEntry", "Enterprise", "Heartbeat", "IdempotentRequest", "JoinApplication",
           "JoinDispute",
           "JoinCode",
           "JoinCodeEvent", "Member", "MemberTransfer", "Org", "OutboxMessage", "RefundApplication",
           "RefundAttachment", "RefundPolicy", "RefundStatusChange", "Revision",
           "StaffLoginFailure", "Station", "StationFeedback", "User", "wechat_tokens",
           "EnterpriseClaim", "DeadlineReminder", "MembershipEvent", "TransferRequest",
           "WithdrawalRequest",
           "ConsoleSession", "FigureChange", "FigureCount", "FigureState", "figure_capture",
           "StationCount", "StationCountChange"]

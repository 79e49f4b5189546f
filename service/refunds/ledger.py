"""The refund ledger: the scoped, filtered set of declared applications, its rows and sums."""

from collections.abc import Iterator
from decimal import Decimal

from flask import Response
from sqlalchemy import func, select

from service.core.clock import today_shanghai
from service.core.keyset import in_id_order
from service.core.spreadsheets import xlsx_response
from service.domain.masking import mask_bank_account
from service.domain.sme import SIZE_CLASS_LABELS
from service.extensions import db
from service.identity import audit
from service.identity.auth import current_admin, scope_org_ids
from service.models.accounts import Admin
from service.models.orgs import in_subtree
from service.models.refund_applications import RefundApplication
from service.refunds.workflow import STATUS_LABELS

BATCH = 500
HEADER = ["申请编号", "年度", "企业名称", "统一社会信用代码", "企业规模", "行政区划代码",
          "受理工会", "工会名称", "工会统一社会信用代码", "开户银行", "银行账号", "状态",
          "缴费金额（元）", "应返还金额（元）", "拨付金额（元）", "拨付日期", "凭证号", "提交时间"]
FILTERS = ("status", "year", "district_code", "size_class")


def filtered(query, args: dict, scope=None):
    """`query` over applications limited to the caller's scope, declared ones and `args`."""
    in_scope = (in_subtree(RefundApplication.org_id, current_admin().org) if scope is None
                else RefundApplication.org_id.in_(scope))
    query = query.where(in_scope,
                        RefundApplication.status != "draft")
    for name in FILTERS:
        if args.get(name) is not None:
            query = query.where(getattr(RefundApplication, name) == args[name])
    return query


def in_submission_order(args: dict):
    """The declared applications of the caller's scope that `args` selects, oldest first:
    a queue worked through, and the ledger as its export lists it."""
    return filtered(select(RefundApplication), args).order_by(RefundApplication.id)


def ledger_count(args: dict) -> int:
    """How many applications the export with `args` holds."""
    return db.session.scalar(filtered(select(func.count(RefundApplication.id)), args))


def export_ledger(admin: Admin, args: dict) -> Response:
    """The ledger `args` selects as xlsx with its totals row; audited before the first byte
    (a download cut short still counts as an export)."""
    rows = LedgerRows(args)
    response = xlsx_response(f"经费返还台账-{today_shanghai().isoformat()}.xlsx",
                             "经费返还台账", HEADER, rows, rows.footer)
    audit.record("refund.export", object_type="refund_ledger", org_id=admin.org_id,
                 detail={"filters": dict(args), "rows": ledger_count(args)})
    return response


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(fen) / 100


class LedgerRows:
    """The export rows, read in id order a batch at a time; sums kept for the footer."""

    def __init__(self, args: dict):
        self.args = args
        # Fixed now: the rows are read while the response streams, after the request's
        # session (and the caller's account with it) is gone.
        self.scope = scope_org_ids()
        self.paid_fen = self.refundable_fen = self.payout_fen = 0

    def __iter__(self) -> Iterator[list]:
        query = filtered(select(RefundApplication), self.args, self.scope)
        for application in in_id_order(query, RefundApplication, BATCH):
            yield self._row(application)

    def _row(self, a: RefundApplication) -> list:
        self.paid_fen += a.paid_fen
        self.refundable_fen += a.refundable_fen
        self.payout_fen += a.payout_fen or 0
        e = a.enterprise
        submitted = a.submitted_at.isoformat(timespec="seconds") if a.submitted_at else None
        return [a.id, a.year, e.name, e.uscc, SIZE_CLASS_LABELS[a.size_class], a.district_code,
                a.org.name, e.union_name, e.union_uscc, e.bank_name,
                mask_bank_account(e.bank_account_no), STATUS_LABELS[a.status],
                _yuan(a.paid_fen), _yuan(a.refundable_fen), _yuan(a.payout_fen),
                a.payout_on, a.payout_voucher_no, submitted]

    def footer(self, written: int) -> list[list]:
        """The totals row under `written` applications (xlsx_response's footer)."""
        return [["合计", f"{written}笔", *[None] * 10, _yuan(self.paid_fen),
               _yuan(self.refundable_fen), _yuan(self.payout_fen), None, None, None]]


def overview(args: dict) -> dict:
    """Counts and amounts by status and by district, within scope and filters."""
    sums = (func.count(RefundApplication.id),
            *(func.coalesce(func.sum(column), 0) for column in (
                RefundApplication.paid_fen, RefundApplication.refundable_fen,
                RefundApplication.payout_fen)))

    def grouped(column):
        rows = db.session.execute(
            filtered(select(column, *sums), args).group_by(column).order_by(column))
        return [{"key": key, "count": count, "paid_fen": int(paid),
                 "refundable_fen": int(refundable), "payout_fen": int(payout)}
                for key, count, paid, refundable, payout in rows]

    by_status = [{"status": row.pop("key"), **row} for row in grouped(RefundApplication.status)]
    for row in by_status:
        row["status_label"] = STATUS_LABELS[row["status"]]
    by_district = [{"district_code": row.pop("key"), **row}
                   for row in grouped(RefundApplication.district_code)]
    count, paid, refundable, payout = db.session.execute(
        filtered(select(*sums), args)).one()
    totals = {"count": count, "paid_fen": int(paid), "refundable_fen": int(refundable),
              "payout_fen": int(payout)}
    return {"totals": totals, "by_status": by_status, "by_district": by_district}

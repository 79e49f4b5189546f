"""The refund ledger: the scoped, filtered set of declared applications, its rows and sums."""

from collections.abc import Iterator
from decimal import Decimal

from flask import Response
from sqlalchemy import String, func, select, type_coerce

from service.core.clock import today_shanghai
from service.core.keyset import in_id_order
from service.core.pii import keyring
from service.core.spreadsheets import xlsx_response
from service.domain.masking import mask_bank_account
from service.domain.sme import SIZE_CLASS_LABELS
from service.extensions import db
from service.identity import audit
from service.identity.auth import current_admin
from service.models.accounts import Admin
from service.models.orgs import Org, covers_every_org, in_subtree
from service.models.refund_applications import RefundApplication
from service.models.refunds import Enterprise
from service.refunds.workflow import STATUS_LABELS

BATCH = 1000  # applications a query
HEADER = ["申请编号", "年度", "企业名称", "统一社会信用代码", "企业规模", "行政区划代码",
          "受理工会", "工会名称", "工会统一社会信用代码", "开户银行", "银行账号", "状态",
          "缴费金额（元）", "应返还金额（元）", "拨付金额（元）", "拨付日期", "凭证号", "提交时间"]
FILTERS = ("status", "year", "district_code", "size_class")


def filtered(query, args: dict, in_scope=None):
    """`query` over applications limited to the caller's scope (or the condition
    `in_scope`), declared ones and `args`."""
    if in_scope is None:
        in_scope = in_subtree(RefundApplication.org_id, current_admin().org)
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


def ledger_query():
    """The export's columns, not entities: the enterprise and the union joined in, the bank
    account as stored (opened for its mask by the rows, with the keyring at hand)."""
    a, e = RefundApplication, Enterprise
    return (select(a.id, a.year, e.name, e.uscc, a.size_class, a.district_code,
                   Org.name.label("org_name"), e.union_name, e.union_uscc, e.bank_name,
                   type_coerce(e.bank_account_no, String).label("bank_account_no"),
                   a.status, a.paid_fen, a.refundable_fen, a.payout_fen, a.payout_on,
                   a.payout_voucher_no, a.submitted_at)
            .join(e, e.id == a.enterprise_id).join(Org, Org.id == a.org_id))


class LedgerRows:
    """The export rows, read in id order a batch at a time; sums kept for the footer."""

    def __init__(self, args: dict):
        self.args = args
        # Fixed now: the rows are read while the response streams, after the request's
        # session (and the caller's account with it) is gone. The city's scope is no
        # condition at all: no page made to gather the ids of its 15,000 orgs again.
        root = current_admin().org
        self.in_scope = in_subtree(RefundApplication.org_id, root)
        self.by_ids = not covers_every_org(root) or any(
            args.get(name) is not None for name in FILTERS)
        self.paid_fen = self.refundable_fen = self.payout_fen = 0

    def __iter__(self) -> Iterator[list]:
        decrypt = keyring().decrypt
        query = filtered(ledger_query(), self.args, self.in_scope)
        for (number, year, name, uscc, size_class, district, org_name, union_name, union_uscc,
             bank_name, account, status, paid, refundable, payout, payout_on, voucher,
             submitted) in in_id_order(query, RefundApplication, BATCH,
                                                          by_ids=self.by_ids):
            self.paid_fen += paid
            self.refundable_fen += refundable
            self.payout_fen += payout or 0
            yield [number, year, name, uscc, SIZE_CLASS_LABELS[size_class], district, org_name,
                   union_name, union_uscc, bank_name,
                   None if account is None else mask_bank_account(decrypt(account)),
                   STATUS_LABELS[status], _yuan(paid), _yuan(refundable), _yuan(payout),
                   payout_on, voucher,
                   submitted.isoformat(timespec="seconds") if submitted else None]

    def footer(self, written: int) -> list[list]:
        """The totals row under `written` applications (xlsx_response's footer)."""
        return [["合计", f"{written}笔", *[None] * 10, _yuan(self.paid_fen),
               _yuan(self.refundable_fen), _yuan(self.payout_fen), None, None, None]]


def status_overview() -> dict:
    """The caller's scope by status, and its totals summed from those: one read of the
    (status, org, amounts) index, never the applications' rows (the 工作台's block)."""
    sums = (func.count(), *(func.coalesce(func.sum(column), 0) for column in (
        RefundApplication.paid_fen, RefundApplication.refundable_fen,
        RefundApplication.payout_fen)))
    by_status = [{"status": status, "status_label": STATUS_LABELS[status], "count": count,
                  "paid_fen": int(paid), "refundable_fen": int(refundable),
                  "payout_fen": int(payout)}
                 for status, count, paid, refundable, payout in db.session.execute(
                     status_query(sums))]
    totals = {name: sum(row[name] for row in by_status)
              for name in ("count", "paid_fen", "refundable_fen", "payout_fen")}
    return {"totals": totals, "by_status": by_status}


def status_query(sums):
    return (filtered(select(RefundApplication.status, *sums), {})
            .group_by(RefundApplication.status).order_by(RefundApplication.status))


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

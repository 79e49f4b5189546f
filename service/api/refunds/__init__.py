"""HTTP faces of union-fee refunds: enterprises, applications, policies, review, ledger."""

"""The union-fee refund: policies, assessment, workflow, files and the ledger."""

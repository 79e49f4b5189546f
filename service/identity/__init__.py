"""Who is calling and what they may see: tokens, roles, org scope, the audit log."""

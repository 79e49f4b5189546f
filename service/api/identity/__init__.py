"""HTTP faces of identity: the mini-program user, staff sign-in, orgs, the audit log."""

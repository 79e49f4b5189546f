"""Joining the union by QR code: applications, codes, members, roster, figures."""

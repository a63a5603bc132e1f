"""Candidates share answers or a benchmark profile with recruiters; recruiters review them."""

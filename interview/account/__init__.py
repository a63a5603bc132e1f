"""The signed-in user's notices: what email would tell them, kept in the app."""

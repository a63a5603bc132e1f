"""The sharing blueprint with all its views: the candidate's shares (/sharing), pages opened by
a share link (/shared/TOKEN), and the recruiter's pages (/recruiter, /invites/TOKEN)."""
from interview.sharing import candidate_views, link_views, recruiter_views  # noqa: F401 (they add the views)
from interview.sharing.blueprint import bp

__all__ = ["bp"]

"""Reviewer decisions: a local SQLite store and their application to a report."""

from clausier.review.apply import apply_overrides, is_overridden, reviewed_status, reviewed_summary
from clausier.review.store import Decision, DecisionStore, default_db_path

__all__ = ["Decision", "DecisionStore", "apply_overrides", "default_db_path", "is_overridden", "reviewed_status",
           "reviewed_summary"]

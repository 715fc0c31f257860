"""clausier: offline checker of security clauses in French healthcare IT supplier contracts."""

__version__ = "0.1.0"

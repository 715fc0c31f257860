"""Local SQLite store of reviewer decisions, keyed by the contract's SHA-256 and the obligation.

Embedded, no server. WAL journal and one transaction per write, so two sessions writing at once
(two browser tabs) and a process killed mid-write leave the database consistent. Every decision
is appended to ``decision_log`` (who, when, what) and the latest one per (contract, obligation)
is kept in ``decision``.

Location: ``$CLAUSIER_DB`` if set, else ``$XDG_DATA_HOME/clausier/decisions.sqlite3``
(``~/.local/share/clausier/decisions.sqlite3``). Nothing else about a contract is persisted.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

VALID_STATUSES = ("present", "weak", "missing", "not_applicable")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decision (
    sha256 TEXT NOT NULL,
    obligation_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('present', 'weak', 'missing', 'not_applicable')),
    engine_status TEXT,
    comment TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL,
    document_name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sha256, obligation_id)
);
CREATE TABLE IF NOT EXISTS decision_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    obligation_id TEXT NOT NULL,
    status TEXT,
    engine_status TEXT,
    comment TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('set', 'clear'))
);
"""


def default_db_path() -> Path:
    env = os.environ.get("CLAUSIER_DB")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "clausier" / "decisions.sqlite3"


@dataclass(frozen=True)
class Decision:
    sha256: str
    obligation_id: str
    status: str
    comment: str = ""
    reviewer: str = ""
    decided_at: str = ""
    engine_status: str | None = None
    document_name: str = ""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class DecisionStore:
    """Reviewer decisions in one SQLite file. Safe to open from several processes at once."""

    def __init__(self, path: Path | str | None = None, timeout: float = 10.0) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._timeout = timeout
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)
        try:
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
            yield con
        finally:
            con.close()

    def save(self, decision: Decision) -> Decision:
        """Record a decision (replacing the previous one for the same contract and obligation)."""
        if decision.status not in VALID_STATUSES:
            raise ValueError(f"statut inconnu : {decision.status!r}")
        d = decision if decision.decided_at else Decision(**{**decision.__dict__, "decided_at": _now()})
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute(
                    "INSERT INTO decision (sha256, obligation_id, status, engine_status, comment, reviewer,"
                    " decided_at, document_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(sha256, obligation_id) DO UPDATE SET status=excluded.status,"
                    " engine_status=excluded.engine_status, comment=excluded.comment,"
                    " reviewer=excluded.reviewer, decided_at=excluded.decided_at,"
                    " document_name=excluded.document_name",
                    (d.sha256, d.obligation_id, d.status, d.engine_status, d.comment, d.reviewer,
                     d.decided_at, d.document_name))
                con.execute(
                    "INSERT INTO decision_log (sha256, obligation_id, status, engine_status, comment, reviewer,"
                    " decided_at, action) VALUES (?, ?, ?, ?, ?, ?, ?, 'set')",
                    (d.sha256, d.obligation_id, d.status, d.engine_status, d.comment, d.reviewer, d.decided_at))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return d

    def clear(self, sha256: str, obligation_id: str, reviewer: str = "") -> None:
        """Withdraw a decision: the engine verdict applies again (the withdrawal is logged)."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("DELETE FROM decision WHERE sha256=? AND obligation_id=?", (sha256, obligation_id))
                con.execute(
                    "INSERT INTO decision_log (sha256, obligation_id, reviewer, decided_at, action)"
                    " VALUES (?, ?, ?, ?, 'clear')", (sha256, obligation_id, reviewer, _now()))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def decisions(self, sha256: str) -> list[Decision]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT sha256, obligation_id, status, comment, reviewer, decided_at, engine_status, document_name"
                " FROM decision WHERE sha256=? ORDER BY obligation_id", (sha256,)).fetchall()
        return [Decision(*row) for row in rows]

    def history(self, sha256: str) -> list[dict[str, str | None]]:
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            rows = con.execute("SELECT * FROM decision_log WHERE sha256=? ORDER BY id", (sha256,)).fetchall()
        return [dict(r) for r in rows]

    def integrity_ok(self) -> bool:
        with self._connect() as con:
            return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

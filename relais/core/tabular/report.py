"""What an import says back: one error per row and field, and the counts of what it did."""

from __future__ import annotations

from dataclasses import dataclass, field

REJECTED = "rejected"
DUPLICATE = "duplicate"


@dataclass
class RowError:
    """Why a row of a file was not taken: its number in the file, the field at fault ("" for the whole row).

    ``kind`` is "rejected" (a check failed) or "duplicate" (a sell-out line already declared).
    """

    row: int
    field: str
    message: str
    kind: str = REJECTED

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    """What an import did: rows created, updated, unchanged, rejected, and why each rejected row was."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in sorted(self.errors, key=lambda e: (e.row, e.field))],
            "unknown_columns": self.unknown_columns,
            "dry_run": self.dry_run,
        }

    def summary_lines(self) -> list[str]:
        """The report as lines a person reads at a terminal."""
        prefix = "[dry run] " if self.dry_run else ""
        lines = [
            f"{prefix}created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        ]
        if self.unknown_columns:
            lines.append("ignored columns: " + ", ".join(self.unknown_columns))
        lines += [
            f"  row {e.row}, {e.field}: {e.message}"
            for e in sorted(self.errors, key=lambda e: (e.row, e.field))
        ]
        return lines

"""Proof files of a claim: what a file is (read from its first bytes, never from its name or the browser's
word), how large and how many may come, and whether a claim's files meet its activity type's rules."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.funds.models import ProofKind

MAX_PROOF_BYTES = 5 * 1024 * 1024
MAX_PROOFS = 8
# Magic bytes → (kind, content type).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", ProofKind.INVOICE, "application/pdf"),
    (b"\xff\xd8\xff", ProofKind.PHOTO, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", ProofKind.PHOTO, "image/png"),
)


@dataclass(frozen=True)
class ProofFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class CheckedProof:
    name: str
    content: bytes
    kind: str
    content_type: str
    sha256: str


def proof_sniff(content: bytes) -> tuple[str, str] | None:
    """(kind, content type) of a file from its first bytes, or None for a type that is not accepted."""
    for magic, kind, content_type in SIGNATURES:
        if content.startswith(magic):
            return str(kind), content_type
    return None


def proofs_check(*, files: Sequence[ProofFile], required: Sequence[str]) -> list[CheckedProof]:
    """The files, checked: at least one, at most ``MAX_PROOFS``, each a PDF, JPEG or PNG by its content and
    at most ``MAX_PROOF_BYTES``; then every kind ``required`` by the activity type is there. Errors name the
    file."""
    if not files:
        raise ApplicationError(
            _("Attach at least one proof (an invoice or a photo)."), extra={"field": "proofs"}
        )
    if len(files) > MAX_PROOFS:
        raise ApplicationError(
            _("At most %(max)s proof files per claim.") % {"max": MAX_PROOFS}, extra={"field": "proofs"}
        )
    checked = []
    for item in files:
        if len(item.content) > MAX_PROOF_BYTES:
            raise ApplicationError(
                _("%(name)s is larger than %(max)s MB.")
                % {"name": item.name, "max": MAX_PROOF_BYTES // 2**20},
                extra={"field": "proofs", "file": item.name},
            )
        sniffed = proof_sniff(item.content)
        if sniffed is None:
            raise ApplicationError(
                _("%(name)s is not a PDF, JPEG or PNG file.") % {"name": item.name},
                extra={"field": "proofs", "file": item.name},
            )
        kind, content_type = sniffed
        checked.append(
            CheckedProof(
                name=item.name.replace("\x00", "")[:200] or "proof",
                content=item.content,
                kind=kind,
                content_type=content_type,
                sha256=hashlib.sha256(item.content).hexdigest(),
            )
        )
    present = {proof.kind for proof in checked}
    missing = [kind for kind in required if kind not in present]
    if missing:
        labels = ", ".join(str(ProofKind(kind).label) for kind in missing if kind in ProofKind.values)
        raise ApplicationError(
            _("This activity needs these proofs too: %(missing)s.") % {"missing": labels},
            extra={"field": "proofs", "missing": missing},
        )
    return checked

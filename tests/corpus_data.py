"""The corpus of real manifests and configs, kept in the repository at ``tests/corpus/`` (see its SOURCES.md).

Every test that reads a corpus document goes through this module (or the ``corpus`` fixture built on it), with a
path relative to the tests, so a fresh clone has everything it needs. A missing document is a failure, never a
skip: a test that cannot read its input has not checked anything.
"""

from __future__ import annotations

from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
"""``tests/corpus``: the documents, ``digests.txt`` (sha256 of each file) and ``SOURCES.md`` (origins, licence)."""


class CorpusMissing(AssertionError):
    """A corpus document a test needs is not in the repository (a broken checkout)."""


def corpus_path(name: str) -> Path:
    """The path of one corpus document (``invalid/...`` for the malformed ones); fails if it is absent."""
    path = CORPUS_DIR / name
    if not path.is_file():
        raise CorpusMissing(f"corpus document {name!r} is not in {CORPUS_DIR} (the checkout is incomplete)")
    return path


def corpus_bytes(name: str) -> bytes:
    """The exact bytes of one corpus document."""
    return corpus_path(name).read_bytes()


def corpus_digests() -> dict[str, str]:
    """File name (relative to the corpus) → ``sha256:<hex>``, from ``digests.txt``, computed when copied."""
    entries: dict[str, str] = {}
    for line in corpus_path("digests.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("sha256:"):
            digest, name = line.split()
            entries[name] = digest
    if not entries:
        raise CorpusMissing(f"{CORPUS_DIR / 'digests.txt'} lists no documents")
    return entries


def corpus_documents(*, invalid: bool = True) -> list[Path]:
    """Every JSON document of the corpus (the malformed ones under ``invalid/`` too, unless told not to)."""
    names = sorted(corpus_digests())
    return [corpus_path(name) for name in names if invalid or not name.startswith("invalid/")]

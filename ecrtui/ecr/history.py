"""Build steps as a person reads them: an image config's ``history[].created_by`` without shell and BuildKit noise.

Shared by the inspector's Layers tab and ``ecrtui inspect --layers``, so both show the same step for a layer.
No Textual, no Rich.
"""

from __future__ import annotations

import re

__all__ = ["clean_created_by"]

_NOP_PREFIX = re.compile(r"^/bin/sh -c #\(nop\)\s+")
_SHELL_PREFIX = re.compile(r"^/bin/sh -c\s+")
# BuildKit records build args before the shell as "|2 A=1 B=2 /bin/sh -c ...".
_BUILD_ARGS_PREFIX = re.compile(r"^\|\d+(?:\s+\S+=\S*)*\s+(?=/bin/sh -c)")
_BUILDKIT_SUFFIX = re.compile(r"\s*# buildkit$")


def clean_created_by(command: str) -> str:
    """The Dockerfile-like step behind a history entry, without shell and BuildKit noise.

    ``/bin/sh -c #(nop)  CMD ["sh"]`` becomes ``CMD ["sh"]``; a plain ``/bin/sh -c apk add curl`` becomes
    ``RUN apk add curl``; BuildKit's trailing ``# buildkit`` marker is dropped.
    """
    text = command.strip()
    text = _BUILD_ARGS_PREFIX.sub("", text)
    if _NOP_PREFIX.match(text):
        text = _NOP_PREFIX.sub("", text)
    elif _SHELL_PREFIX.match(text):
        text = "RUN " + _SHELL_PREFIX.sub("", text)
    return _BUILDKIT_SUFFIX.sub("", text).strip()

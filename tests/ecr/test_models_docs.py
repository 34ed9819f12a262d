"""The Python API examples in the docs run as written (all but the one that needs AWS).

`print(...)  # EXPECTED` lines are checked too: the part of EXPECTED before any "..." or " (" note must appear
in what the example printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "parts" / "python-api.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S) if DOC.is_file() else []
OFFLINE = [block for block in BLOCKS if "boto3" not in block]


def expected_outputs(block: str) -> list[str]:
    expectations = []
    for line in block.splitlines():
        code, sep, comment = line.partition("  # ")
        if sep and code.lstrip().startswith("print("):
            expected = re.split(r"\.\.\.| \(", comment.strip())[0].strip()
            if expected:
                expectations.append(expected)
    return expectations


@pytest.mark.skipif(not OFFLINE, reason=f"no Python examples found in {DOC}")
@pytest.mark.parametrize("number", range(len(OFFLINE)))
def test_example_runs_and_prints_what_it_says(number: int, capsys: pytest.CaptureFixture[str]) -> None:
    block = OFFLINE[number]
    exec(compile(block, str(DOC), "exec"), {})
    printed = capsys.readouterr().out
    expectations = expected_outputs(block)
    assert expectations
    for expected in expectations:
        assert expected in printed, f"{expected!r} not in:\n{printed}"

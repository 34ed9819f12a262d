"""The command line before the app starts: fast help, one-line failures with exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecrtui.launch import DEMO_MISSING

PYTHON = sys.executable


def run(
    code: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run Python code in a fresh interpreter with a clean AWS environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECRTUI_"))}
    return subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, env={**base, **(env or {})}, timeout=timeout
    )


def test_help_loads_no_textual_boto3_or_moto() -> None:
    code = (
        "import sys\n"
        "from ecrtui.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as e:\n    code = e.code\n"
        "print('EXIT', code, 'textual' in sys.modules, 'boto3' in sys.modules, 'moto' in sys.modules)\n"
    )
    result = run(code)
    assert "--demo" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "EXIT 0 False False False"


def test_unknown_profile_exits_2_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n\n[profile team]\nregion = eu-west-1\n")
    env = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")}
    code = "import sys\nfrom ecrtui.cli import main\nrc = main(['--profile', 'nope'])\nprint('textual' in sys.modules)\nsys.exit(rc)"
    result = run(code, env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "unknown AWS profile 'nope'" in lines[0]
    assert "default, team" in lines[0]
    assert result.stdout.strip() == "False"  # refused before the UI was imported


def test_unknown_profile_from_aws_profile_env(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile team]\nregion = eu-west-1\n")
    env = {"AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "ghost"}
    result = run("import sys\nfrom ecrtui.cli import main\nsys.exit(main([]))", env)
    assert result.returncode == 2
    assert "unknown AWS profile 'ghost'" in result.stderr


def test_demo_without_the_extra_says_how_to_install() -> None:
    code = "import sys\nsys.modules['moto'] = None\nfrom ecrtui.cli import main\nsys.exit(main(['--demo']))"
    result = run(code)
    assert result.returncode == 2
    assert result.stderr.strip() == DEMO_MISSING
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("theme = [", "not valid TOML"),
        ("cache_ttl = -5", "cache_ttl"),
        ("colour = 'red'", "colour"),
    ],
)
def test_bad_config_exits_2_with_one_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(content)
    result = run(f"import sys\nfrom ecrtui.cli import main\nsys.exit(main(['--config', {str(path)!r}]))")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


def test_missing_explicit_config_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    result = run(f"import sys\nfrom ecrtui.cli import main\nsys.exit(main(['--config', {str(missing)!r}]))")
    assert result.returncode == 2
    assert "config file not found" in result.stderr


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["copy", "a:1", "b", "--jobs", "abc"],
            "ecrtui copy: argument --jobs: invalid int value: 'abc' (ecrtui copy --help shows the options)",
        ),
        (
            ["sandbox", "--seed", "foo"],
            "ecrtui sandbox: argument --seed: invalid choice: 'foo' (choose from 'demo', 'empty') "
            "(ecrtui sandbox --help shows the options)",
        ),
        (
            ["copy"],
            "ecrtui copy: the following arguments are required: SOURCE, DEST (ecrtui copy --help shows",
        ),
        (["replication", "set"], "ecrtui replication set: the following arguments are required: FILE"),
        (["--bogus"], "ecrtui: unrecognized arguments: --bogus (ecrtui --help shows the options)"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args: list[str], line: str) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "ecrtui", *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(line)
    assert "usage:" not in result.stderr

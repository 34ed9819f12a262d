"""Settings, AWS profile reading and the --demo isolation: the pure-Python parts of the launcher."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecrtui.config import ConfigError, RegistryEntry, Settings, apply_flags, load_settings
from ecrtui.ecr.aws_files import AwsFiles, read_profiles
from ecrtui.launch import DEMO_DIR_PREFIX, isolate_demo_environment, sweep_stale_demo_dirs


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    # the default location not existing is fine (an explicit path that does not exist is not)
    settings = load_settings(env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    assert settings == Settings()


def test_file_then_env_then_flag(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        """
theme = "nord"
cache_ttl = 60
read_only = false

[keymap]
"app.quit" = "ctrl+q"

[[registries]]
label = "shared"
profile = "team"
registry_id = "333333333333"
""",
    )
    from_file = load_settings(path, env={})
    assert from_file.theme == "nord"
    assert from_file.cache_ttl == 60
    assert from_file.keymap == {"app.quit": "ctrl+q"}
    assert from_file.registries == (
        RegistryEntry(label="shared", profile="team", registry_id="333333333333"),
    )

    with_env = load_settings(path, env={"ECRTUI_CACHE_TTL": "5", "ECRTUI_READ_ONLY": "yes"})
    assert (with_env.cache_ttl, with_env.read_only, with_env.theme) == (5, True, "nord")

    assert apply_flags(with_env, read_only=None).read_only is True
    assert apply_flags(with_env, read_only=False).read_only is False


def test_the_listing_cache_bound_from_the_file_and_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "cache_images = 50000\n")
    assert Settings().cache_images == 200_000
    assert load_settings(path, env={}).cache_images == 50_000
    assert load_settings(path, env={"ECRTUI_CACHE_IMAGES": "0"}).cache_images == 0
    with pytest.raises(ConfigError, match="cache_images"):
        load_settings(write(tmp_path / "bad.toml", "cache_images = -1\n"), env={})


def test_config_path_from_env(tmp_path: Path) -> None:
    path = write(tmp_path / "other.toml", 'theme = "textual-light"\n')
    assert load_settings(env={"ECRTUI_CONFIG": str(path)}).theme == "textual-light"
    with pytest.raises(ConfigError, match="not found"):
        load_settings(env={"ECRTUI_CONFIG": str(tmp_path / "missing.toml")})


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ('registries = [{registry_id = "12"}]', {}, "12-digit"),
        ("cache_ttl = 'soon'", {}, "cache_ttl"),
        ("", {"ECRTUI_READ_ONLY": "maybe"}, "ECRTUI_READ_ONLY"),
        ("[keymap\n", {}, "not valid TOML"),
    ],
)
def test_bad_settings_are_one_line(tmp_path: Path, text: str, env: dict[str, str], message: str) -> None:
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, env=env)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_profiles_default_first_then_file_order(tmp_path: Path) -> None:
    config = write(
        tmp_path / "config",
        "[profile zeta]\nregion = eu-west-1\n[default]\nregion = us-east-1\n"
        "[sso-session corp]\nsso_region = us-east-1\n[profile alpha]\n",
    )
    credentials = write(tmp_path / "credentials", "[alpha]\naws_access_key_id = x\n[keys-only]\n")
    profiles = read_profiles(AwsFiles(config, credentials))
    assert [(p.name, p.region) for p in profiles] == [
        ("default", "us-east-1"),
        ("zeta", "eu-west-1"),
        ("alpha", None),
        ("keys-only", None),
    ]


def test_profiles_missing_or_broken_files_read_as_empty(tmp_path: Path) -> None:
    broken = write(tmp_path / "config", "this is = not [an ini")
    assert read_profiles(AwsFiles(broken, tmp_path / "absent")) == []


def test_aws_files_follow_the_environment(tmp_path: Path) -> None:
    files = AwsFiles.from_env({"HOME": str(tmp_path)})
    assert files == AwsFiles(tmp_path / ".aws" / "config", tmp_path / ".aws" / "credentials")
    files = AwsFiles.from_env({"AWS_CONFIG_FILE": "/x/c", "AWS_SHARED_CREDENTIALS_FILE": "/x/k"})
    assert files == AwsFiles(Path("/x/c"), Path("/x/k"))


def test_demo_isolation_drops_the_users_aws_environment(tmp_path: Path) -> None:
    env = {
        "AWS_PROFILE": "prod",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_CONFIG_FILE": "/home/me/.aws/config",
        "PATH": "/bin",
    }
    files = isolate_demo_environment(env, tmp_path)
    assert env == {
        "PATH": "/bin",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }
    assert files == AwsFiles(tmp_path / "config", tmp_path / "credentials")


def test_stale_demo_dirs_of_dead_processes_are_swept(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    stale = tmp_path / f"{DEMO_DIR_PREFIX}{dead_pid}-abc"
    live = tmp_path / f"{DEMO_DIR_PREFIX}{os.getppid()}-def"
    unrelated = tmp_path / "ecrtui-demo-notapid"
    for directory in (stale, live, unrelated):
        directory.mkdir()
        (directory / "config").write_text("[profile demo-dev]\n")
    sweep_stale_demo_dirs(tmp_path)
    assert not stale.exists()
    assert live.exists()
    assert unrelated.exists()

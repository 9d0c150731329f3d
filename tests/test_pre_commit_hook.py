"""The pre-commit hook (.pre-commit-hooks.yaml, issue 13): run by pre-commit itself in a
temporary repository whose inventory is split across two files (device in one, service in
the other). A hook given only the changed file would say "device not defined"; this one
checks the whole set.

pre-commit installs the hook the way a user's machine does: it clones this repository at a
commit and pip-installs it (with its dependencies, from the package index) into its own
environment. That is most of this test's time; the environment is made once per session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import INVENTORIES, ROOT

pytest.importorskip("pre_commit")
if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

DEVICES, SERVICES = (INVENTORIES / "hubei-gprs-vpn.yaml").read_text().split("\nservices:\n")
SERVICES = "services:\n" + SERVICES


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return done.stdout + done.stderr


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory) -> tuple[Path, str]:
    """This checkout as it is now (tracked and new files), committed in a repository of its
    own: pre-commit installs hooks from a commit, and the test must see the working tree."""
    repo = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "hook under test")
    return repo, git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    env.pop("CI", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture
def user_repository(tmp_path, hook_repository) -> Path:
    hook_repo, rev = hook_repository
    repo = tmp_path / "network"
    (repo / "inventories").mkdir(parents=True)
    (repo / "inventories" / "devices.yaml").write_text(DEVICES)
    (repo / "inventories" / "services.yaml").write_text(SERVICES)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: configgen-check\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "inventory")
    return repo


def test_hook_checks_the_whole_inventory_set(user_repository, pre_commit_home):
    repo = user_repository
    result = pre_commit(repo, pre_commit_home, "run", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr

    # a commit that changes only the service file: the hook runs (a .yaml changed) and finds
    # the service's device in the other file
    installed = pre_commit(repo, pre_commit_home, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    services = repo / "inventories" / "services.yaml"
    services.write_text(SERVICES.replace("server: 172.16.10.20", "server: 172.16.10.21"))
    git(repo, "add", "inventories/services.yaml")
    committed = git(repo, "commit", "-m", "new server address")
    assert "configgen check" in committed and "Passed" in committed   # the hook ran, and passed

    # the same kind of commit, now invalid: the hook fails and the commit is refused
    services.write_text(SERVICES.replace("address: 10.166.0.6/30", "address: 10.166.0.7/30"))
    git(repo, "add", "inventories/services.yaml")
    with pytest.raises(subprocess.CalledProcessError) as refused:
        git(repo, "commit", "-qm", "broken")
    assert "services.yaml:" in refused.value.stdout + refused.value.stderr
    assert pre_commit(repo, pre_commit_home, "run", "--all-files").returncode == 1


def test_hook_definition_checks_the_set_not_the_changed_files():
    import yaml

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["pass_filenames"] is False and hook["entry"] == "configgen check"
    assert hook["args"] == ["inventories/"]

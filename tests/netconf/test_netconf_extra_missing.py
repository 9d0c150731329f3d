"""Without the netconf extra, NETCONF work is a usage error (exit 2) before anything is
sent, never a traceback (and never after the CLI devices of the same push were changed)."""

from __future__ import annotations

import json
import sys

from configgen.cli import main
from tests.conftest import INVENTORIES

EXAMPLE = INVENTORIES / "examples" / "netconf-iosxe-vrp8.yaml"


def _without_ncclient(monkeypatch, tmp_path):
    for name in [m for m in sys.modules if m == "ncclient" or m.startswith("ncclient.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ncclient", None)     # `import ncclient` raises ImportError
    monkeypatch.setenv("CONFIGGEN_USERNAME", "lab")
    monkeypatch.setenv("CONFIGGEN_PASSWORD", "lab-secret")
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text("")
    return known_hosts


def test_push_over_netconf_without_ncclient_is_a_usage_error(monkeypatch, tmp_path, capsys):
    known_hosts = _without_ncclient(monkeypatch, tmp_path)
    code = main(["push", str(EXAMPLE), "--known-hosts", str(known_hosts), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and doc["error"]["kind"] == "input"
    assert "configgen[netconf]" in doc["error"]["message"] and "lab-secret" not in json.dumps(doc)


def test_yang_fetch_without_ncclient_is_a_usage_error(monkeypatch, tmp_path, capsys):
    known_hosts = _without_ncclient(monkeypatch, tmp_path)
    code = main(["yang", "fetch", str(EXAMPLE), "--device", "ez-steel-ce", "-o", str(tmp_path / "models"),
                 "--known-hosts", str(known_hosts)])
    assert code == 2 and "configgen[netconf]" in capsys.readouterr().err
    assert not (tmp_path / "models").exists()

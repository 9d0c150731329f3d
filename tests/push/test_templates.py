"""Templates: every command renders with `--templates` exactly as `render` does (an
override's `ip mtu` was rendered by `render` and stripped again by `push`), and every
template runs sandboxed: failures are findings/errors naming the template file and line."""

from __future__ import annotations

import json

import pytest

from configgen.cli import main
from configgen.render import bundled_template_dir
from tests.push.test_push_lab import GPRS, LabRun

EXTRA = [" ip mtu 1400", " keepalive 10 3"]


def override(tmp_path):
    """A user's cisco/gprs_vpn.j2: the bundled one plus two tunnel lines."""
    text = (bundled_template_dir() / "cisco" / "gprs_vpn.j2").read_text()
    anchor = " description {{ t.description }}\n"
    assert anchor in text
    directory = tmp_path / "templates"
    (directory / "cisco").mkdir(parents=True)
    (directory / "cisco" / "gprs_vpn.j2").write_text(text.replace(anchor, anchor + "\n".join(EXTRA) + "\n"))
    return directory


def test_push_sends_what_render_writes_with_the_same_templates(tmp_path, capsys):
    templates = override(tmp_path)
    assert main(["render", str(GPRS), "--templates", str(templates), "-o", str(tmp_path / "out")]) == 0
    written = (tmp_path / "out" / "wh-logistics-ce.cfg").read_text()
    assert all(line + "\n" in written for line in EXTRA)
    capsys.readouterr()
    run = LabRun(GPRS, tmp_path / "lab")
    try:
        common = [str(GPRS), "--templates", str(templates), "--connections", str(run.connection_file),
                  "--format", "json", "-q"]
        assert main(["push", *common]) == 0
        report = json.loads(capsys.readouterr().out)
        sent = {d["device"]: d["applied"] for d in report["devices"]}
        assert {"ip mtu 1400", "keepalive 10 3"} <= {line.strip() for line in sent["wh-logistics-ce"]}
        running = run.running("wh-logistics-ce")
        assert "ip mtu 1400" in running and "keepalive 10 3" in running

        assert main(["push", *common, "--dry-run"]) == 0
        again = json.loads(capsys.readouterr().out)
        assert [(d["status"], d["commands"]) for d in again["devices"]] == [("unchanged", [])] * 2

        assert main(["verify", *common, "--count", "2", "--timeout", "1"]) == 0
        assert json.loads(capsys.readouterr().out)["ok"]
    finally:
        run.lab.stop()


def test_push_with_a_missing_template_directory_is_an_input_error(tmp_path, capsys):
    code = main(["push", str(GPRS), "--templates", str(tmp_path / "nope"), "--dry-run", "-q"])
    captured = capsys.readouterr()
    assert code == 2 and str(tmp_path / "nope") in captured.err and "Traceback" not in captured.err


# ---- sandbox and runtime errors -------------------------------------------------------------

def hostile_body(tmp_path, body: str):
    """A cisco/gprs_vpn.j2 whose line 3, inside the tunnel's macro, is `body`."""
    directory = tmp_path / "hostile"
    (directory / "cisco").mkdir(parents=True)
    (directory / "cisco" / "gprs_vpn.j2").write_text(
        "{% macro head(t) %}{% endmacro %}\n"
        "{% macro interfaces(t) %}\n"
        + body + "\n"
        "{% endmacro %}\n"
        "{% macro tail(t) %}{% endmacro %}\n")
    return directory, f"{directory}/cisco/gprs_vpn.j2:3"


def hostile(tmp_path, expression: str):
    """A cisco/gprs_vpn.j2 whose line 3 evaluates `expression` inside the tunnel."""
    return hostile_body(tmp_path, " description {{ " + expression + " }}")


@pytest.mark.parametrize("expression", [
    "''.__class__.__mro__[1].__subclasses__()",                       # walk to Python internals
    "lipsum.__globals__['os'].environ['CONFIGGEN_PASSWORD']",          # read the environment
    "cycler.__init__.__globals__.os.popen('echo ran').read()",         # run a command
    "t.__dict__",
    # one C call that no timer interrupts, or gigabytes of padding (bounded before they run)
    "(7 ** 3000000000) % 10",
    "'x' * 10000000000",
    "'%09999999999d' % 1",
    "'{:>9999999999}'.format(1)",
    "'x'.center(9999999999)",
    "'x' | center(9999999999)",
    "'%099999999999d' | format(1)",
])
def test_template_reaching_outside_its_values_is_a_finding_never_run(tmp_path, capsys, monkeypatch, expression):
    monkeypatch.setenv("CONFIGGEN_PASSWORD", "s3cret-from-env")
    templates, where = hostile(tmp_path, expression)
    assert main(["check", str(GPRS), "--templates", str(templates)]) == 1
    out = capsys.readouterr().out
    assert f"{where}: template: rendering failed: the template reaches for something" in out
    assert "s3cret-from-env" not in out and "ran" not in out.split("rendering failed")[0]

    code = main(["render", str(GPRS), "--templates", str(templates), "-o", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 1 and where in captured.err and "Traceback" not in captured.err
    assert "s3cret-from-env" not in captured.out + captured.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("expression, error", [
    ("1 // 0", "ZeroDivisionError"),
    ("t.name + 1", "TypeError"),
    ("range(10000000) | list", "OverflowError"),           # the sandbox caps ranges
])
def test_python_error_inside_a_template_names_its_file_and_line(tmp_path, capsys, expression, error):
    templates, where = hostile(tmp_path, expression)
    assert main(["check", str(GPRS), "--templates", str(templates)]) == 1
    out = capsys.readouterr().out
    assert f"{where}: template: rendering failed: {error}" in out
    code = main(["render", str(GPRS), "--templates", str(templates), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and f"{where}: template: rendering failed: {error}" in err and "Traceback" not in err
    code = main(["push", str(GPRS), "--templates", str(templates), "--dry-run", "-q"])
    captured = capsys.readouterr()
    assert code == 1 and where in captured.out and "nothing pushed" in captured.err


def test_a_template_that_never_ends_is_stopped_and_named(tmp_path, capsys, monkeypatch):
    """`check` runs user templates in CI: a loop of 10^10 steps must not hang it."""
    import configgen.render

    monkeypatch.setattr(configgen.render, "RENDER_SECONDS", 1)
    templates, where = hostile_body(tmp_path, "{% for i in range(99999) %}{% for j in range(99999) %}"
                                              "{% endfor %}{% endfor %}")
    assert main(["check", str(GPRS), "--templates", str(templates)]) == 1
    out = capsys.readouterr().out
    assert f"{where}: template: rendering failed: the templates ran for more than 1 s" in out


def test_a_template_that_writes_without_end_is_stopped_and_named(tmp_path, capsys, monkeypatch):
    import configgen.render

    monkeypatch.setattr(configgen.render, "MAX_CONFIG_CHARS", 100_000)
    templates, where = hostile_body(tmp_path, "{% for i in range(99999) %}xxxxxxxxxxxxxxxx{% endfor %}")
    code = main(["render", str(GPRS), "--templates", str(templates), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and "wrote more than 100,000 characters for one device" in err
    assert not (tmp_path / "out").exists()


def test_an_override_that_is_not_a_regular_file_is_an_error(tmp_path, capsys):
    """A FIFO (or a link to /dev/zero) named like a bundled template: Jinja would skip it
    and use the bundled one; configgen says so instead of a silent 'ok'."""
    import os

    templates = tmp_path / "t"
    (templates / "cisco").mkdir(parents=True)
    os.mkfifo(templates / "cisco" / "gprs_vpn.j2")
    assert main(["check", str(GPRS), "--templates", str(templates)]) == 1
    assert f"{templates}/cisco/gprs_vpn.j2: template: not a regular file" in capsys.readouterr().out
    plain = tmp_path / "plain.txt"
    plain.write_text("")
    assert main(["check", str(GPRS), "--templates", str(plain)]) == 2
    assert "not a directory" in capsys.readouterr().err

"""`configgen check`: the one CI command for inventories and templates."""

from __future__ import annotations

from configgen.cli import main
from conftest import INVENTORIES

EXAMPLE = str(INVENTORIES / "hubei-gprs-vpn.yaml")
MACROS = "{% macro head(t) %}{% endmacro %}{% macro tail(t) %}{% endmacro %}\n"


def test_clean_inventory_and_bundled_templates_pass(capsys):
    assert main(["check", EXAMPLE]) == 0
    assert "templates compile and render" in capsys.readouterr().out


def test_unused_template_with_a_syntax_error_fails(tmp_path, capsys):
    (tmp_path / "huawei").mkdir()
    (tmp_path / "huawei" / "spare.j2").write_text("line one\n{% if %}\n")
    assert main(["check", EXAMPLE, "--templates", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path}/huawei/spare.j2:2: template: template syntax error" in out


def test_undefined_value_names_the_template_line(tmp_path, capsys):
    (tmp_path / "cisco").mkdir()
    (tmp_path / "cisco" / "gprs_vpn.j2").write_text(
        MACROS + "{% macro interfaces(t) %}\ninterface {{ t.name }}\n {{ t.mtu }}\n{% endmacro %}\n")
    assert main(["check", EXAMPLE, "--templates", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path}/cisco/gprs_vpn.j2:4: template: rendering failed:" in out and "'mtu'" in out

"""Render: merged per-device values -> vendor configuration text through Jinja2.

`templates/<vendor>/device.j2` lays out a whole device; each service kind has
`templates/<vendor>/<kind>.j2`, a module with three macros: `head` (objects that must
exist before interfaces refer to them), `interfaces` (the service's own interfaces) and
`tail`. A user's template directory overrides bundled templates file by file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import jinja2

from configgen.checks.text import assert_values_safe
from configgen.fileio import write_all_atomic
from configgen.inventory import Inventory
from configgen.platforms import platform_for
from configgen.services import gprs_vpn, internet_line, pbx
from configgen.services.model import Contribution, DeviceConfig

# service kind -> build(service, device, platform, inventory) -> Contribution
SERVICE_BUILDERS: dict[str, Callable] = {
    "gprs_vpn": gprs_vpn.build,
    "internet_line": internet_line.build,
}


# Contributions that do not come from `services:` entries (PBX gateways under `vpmn:`):
# each returns (device name, Contribution) pairs.
INVENTORY_WIDE_BUILDERS: list[Callable[[Inventory], Iterable[tuple[str, Contribution]]]] = [
    pbx.contributions,
]


def bundled_template_dir() -> Path:
    packaged = Path(__file__).parent / "_bundled_templates"   # installed wheel
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "templates"


def make_environment(template_dir: str | Path | None = None) -> jinja2.Environment:
    """Jinja2 environment: the user's directory first, then the bundled templates."""
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise FileNotFoundError(f"template directory {template_dir} does not exist")
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.FileSystemLoader(str(bundled_template_dir())))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,   # a misspelt value is an error, never an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,                   # CLI text, not HTML; values are checked instead
        # Templates do not change during a run: without this every `{% import %}` (three
        # per service section) stats the file again to see whether it must be reloaded.
        auto_reload=False,
    )


def build_device_configs(inventory: Inventory) -> dict[str, DeviceConfig]:
    """Merge every service's contribution into one DeviceConfig per device.
    Expects a validated inventory (render refuses to run otherwise)."""
    configs: dict[str, DeviceConfig] = {}

    def config_for(name: str) -> DeviceConfig:
        if name not in configs:
            device = inventory.devices[name]
            configs[name] = DeviceConfig(name=name, hostname=device.hostname or name, platform=platform_for(device))
        return configs[name]

    for service in inventory.services:
        config = config_for(service.device)
        builder = SERVICE_BUILDERS[service.kind]
        config.add(builder(service, inventory.devices[service.device], config.platform, inventory))
    for builder in INVENTORY_WIDE_BUILDERS:
        for device_name, contribution in builder(inventory):
            config_for(device_name).add(contribution)
    return configs


def render_device(config: DeviceConfig, env: jinja2.Environment) -> str:
    assert_values_safe(config, config.name)
    template = env.get_template(f"{config.platform.template_dir}/device.j2")
    return template.render(device=config)


def render_inventory(inventory: Inventory, template_dir: str | Path | None = None) -> dict[str, str]:
    """Device name -> configuration text, for every device that carries a service."""
    env = make_environment(template_dir)
    return {name: render_device(config, env) for name, config in sorted(build_device_configs(inventory).items())}


def write_configs(rendered: dict[str, str], out_dir: str | Path) -> list[Path]:
    """Write `<device>.cfg` files all or nothing (configgen.fileio.write_all_atomic): a
    failure leaves the output directory as it was, never half old and half new."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return write_all_atomic({out / f"{name}.cfg": text for name, text in rendered.items()})

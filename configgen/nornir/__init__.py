"""configgen under Nornir: an inventory plugin and three tasks (docs/nornir.md).

    from nornir import InitNornir
    from configgen.nornir import push, verify

    nr = InitNornir(inventory={"plugin": "ConfiggenInventory",
                               "options": {"inventory": ["inventories/"]}})
    nr.run(task=push, dry_run=True)      # what would be sent, per device
    nr.run(task=push)
    nr.run(task=verify)

`ConfiggenInventory` (entry point `nornir.plugins.inventory`) validates and renders the
inventory once and turns every device configgen renders a configuration for into a Nornir
host; the tasks `render`, `push` (honouring Nornir's dry_run) and `verify` run configgen's
own push engine and verify runner on that host (configgen.api). Needs the `nornir` extra:
`pip install 'configgen[nornir]'`.
"""

from configgen.nornir.inventory import ConfiggenInventory, ConfiggenInventoryError, in_shard
from configgen.nornir.tasks import push, render, verify

__all__ = ["ConfiggenInventory", "ConfiggenInventoryError", "in_shard", "push", "render", "verify"]

"""Inventory: YAML files with line marks -> schema-checked `Inventory` + findings."""

from configgen.inventory.loader import Inventory, LoadResult, expand_paths, load_inventory
from configgen.inventory.schema import InventoryDocument

__all__ = ["Inventory", "InventoryDocument", "LoadResult", "expand_paths", "load_inventory"]

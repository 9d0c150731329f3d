"""The two ElementTree helpers every NETCONF reader needs: a datastore's top-level elements
and an element's local name. Shared by the push (configgen.netconf.owned), the lab's
NETCONF server and the lab's translation of a datastore into CLI lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def elements(document: str) -> list[ET.Element]:
    """The top-level elements of a datastore or edit (`<config>`'s contents, as text)."""
    return list(ET.fromstring(f"<root>{document}</root>")) if document.strip() else []


def local(element: ET.Element) -> str:
    """An element's name without its namespace."""
    return element.tag.rsplit("}", 1)[-1]

"""How DynamoDB charges a request, for the benchmarks that price (cost.py) or place (scale.py) the product's writes.

Items are DynamoDB JSON attribute maps (`{"name": {"S": "..."}}`), as requests carry them and as PynamoDB's
`Model.serialize()` returns them. The rules (DynamoDB's developer guide, "Read/write capacity mode"):
- a write unit per 1 KB of item (rounded up), two inside `TransactWriteItems`;
- a read unit per 4 KB (rounded up), half for eventually consistent reads; a Query is charged on the total size of
  the items it read, once; `BatchGetItem` per item;
- a write to the table also writes each global secondary index whose key or projected attributes it changes: a
  delete on the old key, a put on the new one, one write when the key stays and a projected attribute changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from infra.template import load_template, resources_of_type

Attributes = dict[str, dict[str, Any]]


def item_size(attributes: Attributes) -> int:
    """Attribute names plus values (numbers, lists and maps approximated by their text)."""
    total = 0
    for name, value in attributes.items():
        total += len(name.encode())
        for kind, raw in value.items():
            if isinstance(raw, bytes | bytearray):
                total += len(raw)
            else:
                total += 1 if kind in ("BOOL", "NULL") else len(str(raw).encode())
    return total


def write_units(size: int, transactional: bool = False) -> int:
    return max(1, math.ceil(size / 1024)) * (2 if transactional else 1)


def read_units(size: int, consistent: bool = False) -> float:
    return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)


@dataclass(frozen=True)
class Gsi:
    name: str
    hash_key: str
    range_key: str | None
    projection: str  # ALL | INCLUDE | KEYS_ONLY
    include: frozenset[str]

    def projected(self, attributes: Attributes) -> Attributes:
        if self.projection == "ALL":
            return attributes
        keep = {
            "pk",
            "sk",
            self.hash_key,
            self.range_key or "",
            *(self.include if self.projection == "INCLUDE" else ()),
        }
        return {name: value for name, value in attributes.items() if name in keep}


def template_gsis(table: str = "TicketsTable") -> list[Gsi]:
    """The table's indexes as template.yaml declares them."""
    properties = resources_of_type(load_template(), "AWS::DynamoDB::Table")[table]["Properties"]
    found = []
    for gsi in properties.get("GlobalSecondaryIndexes", []):
        keys = {k["KeyType"]: k["AttributeName"] for k in gsi["KeySchema"]}
        projection = gsi["Projection"]
        found.append(
            Gsi(
                gsi["IndexName"],
                keys["HASH"],
                keys.get("RANGE"),
                projection["ProjectionType"],
                frozenset(projection.get("NonKeyAttributes", [])),
            )
        )
    return found


def index_writes(old: Attributes | None, new: Attributes | None, gsis: list[Gsi]) -> list[tuple[str, str, int]]:
    """(index, partition key, write units) that replacing `old` by `new` (either may be None) costs the indexes."""
    writes = []
    for gsi in gsis:
        before = gsi.projected(old) if old and gsi.hash_key in old and _has_range(gsi, old) else None
        after = gsi.projected(new) if new and gsi.hash_key in new and _has_range(gsi, new) else None
        if before is None and after is None:
            continue
        old_key = _key(before, gsi)
        new_key = _key(after, gsi)
        if before is not None and (after is None or old_key != new_key):
            writes.append((gsi.name, old_key, write_units(item_size(before))))
        if after is not None and (before is None or old_key != new_key or before != after):
            writes.append((gsi.name, new_key, write_units(item_size(after))))
    return writes


def _has_range(gsi: Gsi, attributes: Attributes) -> bool:
    return gsi.range_key is None or gsi.range_key in attributes


def _key(attributes: Attributes | None, gsi: Gsi) -> str:
    if attributes is None:
        return ""
    return str(next(iter(attributes[gsi.hash_key].values())))

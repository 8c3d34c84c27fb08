"""Customer records (客户档案): who a requester is beyond an address, and the facts routing and SLA policies use.

A record is keyed by the customer's email address, the same key every channel gives a ticket's requester (a WeChat
follower's address included). When a ticket is opened, the record's tier, region and organization are copied onto
the ticket (`Ticket.customer`): rules and SLA policies read them there, so a ticket keeps the contract it was opened
under even if the record changes later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

CUSTOMER_FACTS = ("tier", "region", "organization")


@dataclass(frozen=True)
class CustomerRecord:
    email: str
    name: str = ""
    phone: str | None = None
    organization: str | None = None
    tier: str | None = None
    region: str | None = None
    address: str | None = None
    notes: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None

    def facts(self) -> dict[str, str]:
        """What a ticket carries of the record (only what is set)."""
        values = {"tier": self.tier, "region": self.region, "organization": self.organization}
        return {k: v for k, v in values.items() if v}

    def to_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "phone": self.phone,
            "organization": self.organization,
            "tier": self.tier,
            "region": self.region,
            "address": self.address,
            "notes": self.notes,
        }


def lookup_terms(record: CustomerRecord) -> dict[str, str]:
    """What a caller's search finds the record by: the address, the name and the phone number's digits."""
    terms = {"email": record.email.lower()}
    if record.name:
        terms["name"] = record.name.strip().casefold()
    if record.phone:
        digits = "".join(ch for ch in record.phone if ch.isdigit())
        if digits:
            terms["phone"] = digits
    return terms


def normalise_query(kind: str, q: str) -> str:
    if kind == "phone":
        return "".join(ch for ch in q if ch.isdigit())
    return q.strip().casefold() if kind == "name" else q.strip().lower()


def customer_facts(
    ticket_customer: Mapping[str, Any] | None, custom_fields: Mapping[str, Any]
) -> dict[str, str | None]:
    """Tier, region and organization of a ticket's customer: from its record's copy, else (tickets opened before
    records existed) from the custom fields that used to carry them."""
    record = ticket_customer or {}
    legacy = {
        "tier": custom_fields.get("customer_tier"),
        "region": custom_fields.get("region"),
        "organization": custom_fields.get("organization"),
    }
    out: dict[str, str | None] = {}
    for name in CUSTOMER_FACTS:
        value = record.get(name) or legacy.get(name)
        out[name] = str(value) if value not in (None, "") else None
    return out

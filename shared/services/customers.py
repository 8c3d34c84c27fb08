"""Customer records (客户档案): read, kept and found by staff; the facts a new ticket copies from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.customers import CustomerRecord, normalise_query
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.services.ports import Customers, Tickets

EDITABLE = ("name", "phone", "organization", "tier", "region", "address", "notes")


class CustomerService:
    def __init__(self, store: Customers, tickets: Tickets, clock: Clock) -> None:
        self._store = store
        self._tickets = tickets
        self._clock = clock

    def facts_for(self, email: str) -> dict[str, str]:
        """What a new ticket of this requester carries: the record's tier, region and organization (one GetItem)."""
        record = self._store.customer(email)
        return record.facts() if record else {}

    def get(self, principal: Principal, email: str) -> tuple[CustomerRecord, bool]:
        """The record, and whether it was saved; a requester without one is shown by the name on their tickets."""
        _staff(principal)
        address = _address(email)
        record = self._store.customer(address)
        if record is not None:
            return record, True
        page = self._tickets.list_tickets("requested", address, 1, None, [], [])
        if not page.items:
            raise NotFound("no such customer")
        return CustomerRecord(address, page.items[0].requester.name), False

    def put(self, principal: Principal, email: str, values: Mapping[str, Any]) -> CustomerRecord:
        _staff(principal)
        address = _address(email)
        before = self._store.customer(address)
        record = CustomerRecord(address, **{k: values.get(k) for k in EDITABLE if k != "name"}, name=values["name"])
        record = replace(record, updated_at=self._clock.now(), updated_by=principal.email)
        self._store.save_customer(record, before)
        return record

    def find(self, principal: Principal, q: str) -> list[CustomerRecord]:
        """By email prefix (with an @ or a dot), phone digits (mostly digits) or name prefix: one lookup Query."""
        _staff(principal)
        q = q.strip()
        if not q:
            raise InvalidInput("q: type part of an address, a name or a phone number", field="q")
        compact = q.replace(" ", "").replace("-", "").replace("+", "").replace("(", "").replace(")", "")
        if compact.isdigit():
            return self._store.find_customers("phone", normalise_query("phone", q)) if len(compact) >= 3 else []
        if "@" in q:
            return self._store.find_customers("email", normalise_query("email", q))
        if q.isascii() and " " not in q:
            found = self._store.find_customers("email", normalise_query("email", q))
            if found:
                return found
        return self._store.find_customers("name", normalise_query("name", q))


def _staff(principal: Principal) -> None:
    if not principal.can(Permission.TICKET_READ_ALL):
        raise Forbidden("staff only")


def _address(email: str) -> str:
    address = email.strip().lower()
    if "@" not in address or len(address) > 254:
        raise InvalidInput("not an email address", field="email")
    return address

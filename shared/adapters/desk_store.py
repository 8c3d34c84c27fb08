"""Customer records and their lookup entries, web uploads, and saved views, in the tickets table
(docs/data-model.md, "Desk: customers, uploads, views")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from shared.adapters.items import HelpdeskItem
from shared.adapters.ticket_writer import Part, TicketWriter, delete, put, update
from shared.domain.customers import CustomerRecord, lookup_terms
from shared.domain.uploads import Upload
from shared.domain.views import SavedView
from shared.errors import InvalidInput

UPLOAD_KEEP = timedelta(days=2)  # an upload item outlives its use window a little, then TTL removes it
LOOKUP_LIMIT = 20


class CustomerItem(HelpdeskItem, discriminator="customer"):
    """`CUSTOMER#<email>` / `PROFILE`."""

    email = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    phone = UnicodeAttribute(null=True)
    organization = UnicodeAttribute(null=True)
    tier = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)


class CustomerLookupItem(HelpdeskItem, discriminator="customer_lookup"):
    """`CUSTIDX#<email|name|phone>#<first character>` / `<term>#<email>`: a caller's search by prefix."""

    email = UnicodeAttribute()


class UploadItem(HelpdeskItem, discriminator="upload"):
    """`UPLOAD#<id>` / `UPLOAD`: a presigned upload, whose it is, and what used it."""

    owner = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    key = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    valid_until = UTCDateTimeAttribute()
    used_by = UnicodeAttribute(null=True)


class ViewItem(HelpdeskItem, discriminator="saved_view"):
    """`VIEWS#USER#<email>` or `VIEWS#TEAM#<team>` / `VIEW#<id>`."""

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    owner = UnicodeAttribute()
    filters = JSONAttribute(default=dict)
    team = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


def _customer_pk(email: str) -> str:
    return f"CUSTOMER#{email.lower()}"


def _lookup_key(kind: str, term: str, email: str) -> tuple[str, str]:
    return f"CUSTIDX#{kind}#{term[:1]}", f"{term}#{email.lower()}"


def _record(item: CustomerItem) -> CustomerRecord:
    return CustomerRecord(
        email=item.email,
        name=item.name or "",
        phone=item.phone,
        organization=item.organization,
        tier=item.tier,
        region=item.region,
        address=item.address,
        notes=item.notes,
        updated_at=item.updated_at,
        updated_by=item.updated_by,
    )


def _views_pk(owner: str | None, team: str | None) -> str:
    return f"VIEWS#TEAM#{team}" if team else f"VIEWS#USER#{(owner or '').lower()}"


def _view(item: ViewItem) -> SavedView:
    return SavedView(item.id, item.name, item.owner, dict(item.filters or {}), item.team, item.updated_at)


class DeskStore:
    def __init__(self, writer: TicketWriter) -> None:
        self._writer = writer

    # -- customer records -------------------------------------------------------------------------
    def customer(self, email: str) -> CustomerRecord | None:
        try:
            return _record(CustomerItem.get(_customer_pk(email), "PROFILE"))
        except DoesNotExist:
            return None

    def save_customer(self, record: CustomerRecord, before: CustomerRecord | None) -> None:
        """The record and its lookup entries (old ones removed), all or nothing."""
        item = CustomerItem(
            _customer_pk(record.email),
            "PROFILE",
            email=record.email.lower(),
            name=record.name,
            phone=record.phone,
            organization=record.organization,
            tier=record.tier,
            region=record.region,
            address=record.address,
            notes=record.notes,
            updated_at=record.updated_at,
            updated_by=record.updated_by,
        )
        old = {_lookup_key(k, t, record.email) for k, t in lookup_terms(before).items()} if before else set()
        new = {_lookup_key(k, t, record.email) for k, t in lookup_terms(record).items()}
        parts: list[Part] = [put(item)]
        parts += [delete(CustomerLookupItem(pk, sk)) for pk, sk in old - new]
        parts += [put(CustomerLookupItem(pk, sk, email=record.email.lower())) for pk, sk in new - old]
        self._writer.commit(parts)

    def find_customers(self, kind: str, term: str) -> list[CustomerRecord]:
        """Records whose `kind` (email, name or phone digits) starts with `term`: one Query, then one BatchGetItem."""
        if not term:
            return []
        pk, _ = _lookup_key(kind, term, "")
        emails = [
            hit.email
            for hit in CustomerLookupItem.query(pk, CustomerLookupItem.sk.startswith(term), limit=LOOKUP_LIMIT)
        ]
        if not emails:
            return []
        keys = [(_customer_pk(e), "PROFILE") for e in dict.fromkeys(emails)]
        found = {item.email: _record(item) for item in CustomerItem.batch_get(keys)}
        return [found[e] for e in dict.fromkeys(emails) if e in found]

    # -- uploads ---------------------------------------------------------------------------------
    def put_upload(self, upload: Upload) -> None:
        UploadItem(
            f"UPLOAD#{upload.id}",
            "UPLOAD",
            owner=upload.owner,
            filename=upload.filename,
            content_type=upload.content_type,
            size=upload.size,
            key=upload.key,
            created_at=upload.created_at,
            valid_until=upload.valid_until,
            expires_at=upload.valid_until + UPLOAD_KEEP,
        ).save()

    def uploads(self, upload_ids: Sequence[str]) -> dict[str, Upload]:
        keys = [(f"UPLOAD#{i}", "UPLOAD") for i in dict.fromkeys(upload_ids)]
        out = {}
        for item in UploadItem.batch_get(keys):
            upload_id = item.pk.split("#", 1)[1]
            out[upload_id] = Upload(
                upload_id,
                item.owner,
                item.filename,
                item.content_type,
                int(item.size),
                item.key,
                item.created_at,
                item.valid_until,
                item.used_by,
            )
        return out

    @staticmethod
    def use_upload_part(upload: Upload, used_by: str) -> Part:
        """Marks the upload used by this ticket or message, in its write: an upload attaches once."""
        item = UploadItem(f"UPLOAD#{upload.id}", "UPLOAD")
        refused = InvalidInput("an attachment is not an upload of yours that can be attached", field="attachments")
        return update(
            item,
            [UploadItem.used_by.set(used_by)],
            UploadItem.pk.exists() & UploadItem.used_by.does_not_exist() & (UploadItem.owner == upload.owner),
            lambda: refused,
        )

    # -- saved views -----------------------------------------------------------------------------
    def views(self, owner: str, teams: Sequence[str]) -> list[SavedView]:
        """The caller's own views and their teams' shared ones: one Query per partition."""
        out: list[SavedView] = []
        for pk in [_views_pk(owner, None), *(_views_pk(None, t) for t in dict.fromkeys(teams))]:
            out += [_view(item) for item in ViewItem.query(pk, ViewItem.sk.startswith("VIEW#"))]
        return out

    def view(self, view_id: str, owner: str | None, team: str | None) -> SavedView | None:
        try:
            return _view(ViewItem.get(_views_pk(owner, team), f"VIEW#{view_id}"))
        except DoesNotExist:
            return None

    def put_view(self, view: SavedView) -> None:
        ViewItem(
            _views_pk(view.owner, view.team),
            f"VIEW#{view.id}",
            id=view.id,
            name=view.name,
            owner=view.owner,
            filters=dict(view.filters),
            team=view.team,
            updated_at=view.updated_at,
        ).save()

    def delete_view(self, view: SavedView) -> None:
        ViewItem(_views_pk(view.owner, view.team), f"VIEW#{view.id}").delete()

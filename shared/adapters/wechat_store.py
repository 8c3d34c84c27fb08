"""WeChat-channel items in the tickets table (docs/data-model.md, "WeChat channel"): followers, MsgId claims and the
shared access token with its renewal lease.

A MsgId is claimed (`WXMSG#<key>`, conditioned on not existing) in the transaction that writes the ticket or message
it made, and the follower's current ticket moves in the same transaction, conditioned on what it was when read: so
one MsgId makes one ticket or message, and two messages of one follower never open two tickets.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from shared.adapters.items import WechatClaimItem, WechatFollowerItem, WechatTokenItem
from shared.adapters.ticket_writer import Part, put
from shared.domain.wechat.api import CachedToken
from shared.domain.wechat.followers import Follower
from shared.errors import AlreadyClaimed, FollowerChanged

MAX_KEY = 900  # DynamoDB keys stop at 1 KB


def follower_pk(openid: str) -> str:
    return f"WXUSER#{openid[:MAX_KEY]}"


def claim_pk(key: str) -> str:
    return f"WXMSG#{key[:MAX_KEY]}"


def _follower(item: WechatFollowerItem) -> Follower:
    return Follower(
        openid=item.openid,
        name=item.name,
        first_seen_at=item.first_seen_at,
        subscribed=bool(item.subscribed),
        last_seen_at=item.last_seen_at,
        current_ticket=item.current_ticket,
        unsubscribed_at=item.unsubscribed_at,
        named_by_staff=bool(item.named_by_staff),
    )


class WechatStore:
    # -- followers -------------------------------------------------------------------------------------------
    def follower(self, openid: str) -> Follower | None:
        try:
            return _follower(WechatFollowerItem.get(follower_pk(openid), "FOLLOWER", consistent_read=True))
        except DoesNotExist:
            return None

    def save(self, follower: Follower) -> None:
        """Everything but the current ticket (which moves only with a ticket write) and a name staff gave."""
        item = WechatFollowerItem(follower_pk(follower.openid), "FOLLOWER")
        actions = [
            WechatFollowerItem.kind.set(WechatFollowerItem),  # an update that creates the item names its kind too
            WechatFollowerItem.openid.set(follower.openid),
            WechatFollowerItem.first_seen_at.set(WechatFollowerItem.first_seen_at | follower.first_seen_at),
            WechatFollowerItem.subscribed.set(follower.subscribed),
            WechatFollowerItem.named_by_staff.set(follower.named_by_staff),
            WechatFollowerItem.name.set(follower.name)
            if follower.named_by_staff
            else WechatFollowerItem.name.set(WechatFollowerItem.name | follower.name),
        ]
        if follower.last_seen_at:
            actions.append(WechatFollowerItem.last_seen_at.set(follower.last_seen_at))
        if follower.unsubscribed_at:
            actions.append(WechatFollowerItem.unsubscribed_at.set(follower.unsubscribed_at))
        item.update(actions=actions)

    @staticmethod
    def follower_part(follower: Follower, expected_ticket: str | None) -> Part:
        item = WechatFollowerItem(
            follower_pk(follower.openid),
            "FOLLOWER",
            openid=follower.openid,
            name=follower.name,
            first_seen_at=follower.first_seen_at,
            subscribed=follower.subscribed,
            last_seen_at=follower.last_seen_at,
            current_ticket=follower.current_ticket,
            unsubscribed_at=follower.unsubscribed_at,
            named_by_staff=follower.named_by_staff,
        )
        if expected_ticket is None:
            condition = WechatFollowerItem.current_ticket.does_not_exist()
        else:
            condition = WechatFollowerItem.current_ticket == expected_ticket
        return put(item, condition, lambda: FollowerChanged(f"follower {follower.openid} moved on meanwhile"))

    # -- MsgId claims ----------------------------------------------------------------------------------------
    def claimed(self, key: str) -> str | None:
        try:
            return WechatClaimItem.get(claim_pk(key), "CLAIM", consistent_read=True).ticket_id
        except DoesNotExist:
            return None

    @staticmethod
    def claim_part(key: str, ticket_id: str, message_id: str) -> Part:
        return put(
            WechatClaimItem(claim_pk(key), "CLAIM", ticket_id=ticket_id, message_id=message_id),
            WechatClaimItem.pk.does_not_exist(),
            lambda: AlreadyClaimed(f"WeChat message {key[:200]} was taken in before"),
        )

    # -- the access token ------------------------------------------------------------------------------------
    def cached(self) -> CachedToken | None:
        try:
            item = WechatTokenItem.get("WECHAT", "ACCESS_TOKEN", consistent_read=True)
        except DoesNotExist:
            return None
        return CachedToken(item.token, item.valid_until, item.lease_owner, item.lease_until)

    def take_lease(self, owner: str, now: datetime, until: datetime) -> bool:
        item = WechatTokenItem("WECHAT", "ACCESS_TOKEN")
        try:
            item.update(
                actions=[
                    WechatTokenItem.kind.set(WechatTokenItem),
                    WechatTokenItem.lease_owner.set(owner),
                    WechatTokenItem.lease_until.set(until),
                ],
                condition=WechatTokenItem.lease_until.does_not_exist() | (WechatTokenItem.lease_until < now),
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def put_token(self, token: str, valid_until: datetime, owner: str) -> None:
        item = WechatTokenItem("WECHAT", "ACCESS_TOKEN")
        item.update(
            actions=[
                WechatTokenItem.kind.set(WechatTokenItem),
                WechatTokenItem.token.set(token),
                WechatTokenItem.valid_until.set(valid_until),
                WechatTokenItem.lease_owner.remove(),
                WechatTokenItem.lease_until.remove(),
            ]
        )

    def release(self, owner: str) -> None:
        item = WechatTokenItem("WECHAT", "ACCESS_TOKEN")
        try:
            item.update(
                actions=[WechatTokenItem.lease_owner.remove(), WechatTokenItem.lease_until.remove()],
                condition=WechatTokenItem.lease_owner == owner,
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise

"""Staff directory (agents, teams) and agents' in-app notifications, in the tickets table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from shared.adapters.items import AgentItem, HelpdeskItem, NotificationItem, RoleItem, TeamItem
from shared.adapters.ticket_mapping import sort_time
from shared.domain.access import Permission, Role
from shared.domain.directory import Agent, Availability, Team
from shared.domain.requests import Key, Page

DIRECTORY = "DIRECTORY"


class DirectoryStore:
    """Agents and teams share one small partition: one Query lists the whole directory."""

    def list_all(self) -> tuple[list[Agent], list[Team]]:
        agents: list[Agent] = []
        teams: list[Team] = []
        for item in HelpdeskItem.query(DIRECTORY):
            if isinstance(item, AgentItem):
                agents.append(_agent(item))
            elif isinstance(item, TeamItem):
                teams.append(Team(item.id, item.name, item.supervisor))
        for team in teams:
            team.members = sorted(a.email for a in agents if team.id in a.teams)
        return agents, teams

    def get_agent(self, email: str) -> Agent | None:
        try:
            return _agent(AgentItem.get(DIRECTORY, _agent_sk(email)))
        except DoesNotExist:
            return None

    def put_agent(self, agent: Agent) -> None:
        _agent_item(agent).save()

    def add_agent(self, agent: Agent) -> bool:
        """A new agent; False (and nothing written) when the address is in the directory already."""
        try:
            _agent_item(agent).save(condition=AgentItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def update_profile(self, agent: Agent, availability: Availability | None = None) -> Agent | None:
        """An existing agent's profile, in one update: their availability (theirs to switch) stays as it is unless
        given. None when the agent is not in the directory."""
        item = AgentItem(DIRECTORY, _agent_sk(agent.email))
        actions = [
            AgentItem.name.set(agent.name),
            AgentItem.role.set(agent.role),
            AgentItem.teams.set(list(agent.teams)),
            AgentItem.skills.set(list(agent.skills)),
            AgentItem.capacity.set(agent.capacity),
            AgentItem.chat_capacity.set(agent.chat_capacity),
            AgentItem.senior.set(agent.senior),
            AgentItem.language.set(agent.language),
        ]
        if availability is not None:
            actions.append(AgentItem.availability.set(availability.value))
        return self._update(item, actions)

    def set_availability(self, email: str, availability: Availability) -> Agent | None:
        item = AgentItem(DIRECTORY, _agent_sk(email))
        return self._update(item, [AgentItem.availability.set(availability.value)])

    @staticmethod
    def _update(item: AgentItem, actions: list[Any]) -> Agent | None:
        try:
            item.update(actions=actions, condition=AgentItem.pk.exists())
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return _agent(item)

    def remove_agent(self, email: str) -> None:
        AgentItem(DIRECTORY, _agent_sk(email)).delete()

    def get_team(self, team_id: str) -> Team | None:
        try:
            item = TeamItem.get(DIRECTORY, f"TEAM#{team_id}")
        except DoesNotExist:
            return None
        return Team(item.id, item.name, item.supervisor)

    def remove_team(self, team_id: str) -> None:
        TeamItem(DIRECTORY, f"TEAM#{team_id}").delete()

    def put_team(self, team: Team) -> None:
        TeamItem(DIRECTORY, f"TEAM#{team.id}", id=team.id, name=team.name, supervisor=team.supervisor).save()

    # -- custom roles: `ROLE#<id>` in the same partition (one Query lists them) ------------------------------------
    def list_roles(self) -> list[Role]:
        return [_role(item) for item in RoleItem.query(DIRECTORY, HelpdeskItem.sk.startswith("ROLE#"))]

    def get_role(self, role_id: str) -> Role | None:
        try:
            return _role(RoleItem.get(DIRECTORY, f"ROLE#{role_id}"))
        except DoesNotExist:
            return None

    def put_role(self, role: Role) -> bool:
        item = RoleItem(DIRECTORY, f"ROLE#{role.id}", id=role.id, name=role.name, permissions=sorted(role.permissions))
        created = self.get_role(role.id) is None
        item.save()
        return created

    def remove_role(self, role_id: str) -> None:
        RoleItem(DIRECTORY, f"ROLE#{role_id}").delete()


def _role(item: RoleItem) -> Role:
    known = {p.value for p in Permission}
    return Role(item.id, item.name, frozenset(Permission(p) for p in item.permissions or [] if p in known))


def _agent_sk(email: str) -> str:
    return f"AGENT#{email.lower()}"


def _agent_item(agent: Agent) -> AgentItem:
    return AgentItem(
        DIRECTORY,
        _agent_sk(agent.email),
        email=agent.email.lower(),
        name=agent.name,
        role=agent.role,
        teams=list(agent.teams),
        skills=list(agent.skills),
        capacity=agent.capacity,
        chat_capacity=agent.chat_capacity,
        availability=agent.availability.value,
        senior=agent.senior,
        language=agent.language,
    )


def _agent(item: AgentItem) -> Agent:
    return Agent(
        email=item.email,
        name=item.name,
        role=item.role,
        teams=list(item.teams or []),
        skills=list(item.skills or []),
        capacity=int(item.capacity),
        chat_capacity=int(item.chat_capacity if item.chat_capacity is not None else 3),
        availability=Availability(item.availability),
        senior=bool(item.senior),
        language=item.language or "zh-CN",
    )


class InboxStore:
    """In-app notifications per agent, newest first. Keyed by the domain event, so a redelivery adds nothing."""

    def add(self, recipient: str, event_id: str, kind: str, at: datetime, ticket: dict[str, Any]) -> bool:
        item = NotificationItem(
            f"INBOX#{recipient.lower()}",
            f"NOTIFICATION#{sort_time(at)}#{event_id}",
            id=event_id,
            type=kind,
            ticket_id=ticket["id"],
            ticket_number=ticket["number"],
            subject=ticket["subject"],
            at=at,
            message_id=ticket.get("message_id"),
            note=ticket.get("note"),
        )
        try:
            item.save(condition=NotificationItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def list(self, recipient: str, limit: int, start: Key | None, unread: bool = False) -> Page:
        result = NotificationItem.query(
            f"INBOX#{recipient.lower()}",
            filter_condition=(NotificationItem.read == False) if unread else None,  # noqa: E712
            scan_index_forward=False,
            page_size=limit,
            last_evaluated_key=start,
        )
        page = next(result.page_iter)
        items = [_with_api_id(NotificationItem.from_raw_data(r)) for r in page.get("Items", [])]
        return Page(items, page.get("LastEvaluatedKey"))

    def mark_read(self, recipient: str, ids: Sequence[str]) -> int:
        """One conditional UpdateItem per id (an id is the item's sort key without its prefix)."""
        marked = 0
        for notification_id in dict.fromkeys(ids):
            item = NotificationItem(f"INBOX#{recipient.lower()}", f"{_PREFIX}{notification_id}")
            try:
                item.update([NotificationItem.read.set(True)], condition=NotificationItem.pk.exists())
            except UpdateError as error:
                if error.cause_response_code == "ConditionalCheckFailedException":
                    continue  # not theirs, or gone: nothing to mark
                raise
            marked += 1
        return marked

    def mark_all_read(self, recipient: str) -> int:
        """Every unread one: a filtered Query per page, the page written back read (BatchWriteItem)."""
        marked = 0
        unread = NotificationItem.query(
            f"INBOX#{recipient.lower()}",
            filter_condition=NotificationItem.read == False,  # noqa: E712
        )
        with NotificationItem.batch_write() as batch:
            for item in unread:
                item.read = True
                batch.save(item)
                marked += 1
        return marked


_PREFIX = "NOTIFICATION#"


def _with_api_id(item: NotificationItem) -> NotificationItem:
    """The API names a notification by its sort key (time and cause), so marking it read is one UpdateItem."""
    item.id = item.sk[len(_PREFIX) :]
    return item

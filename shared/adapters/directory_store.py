"""Staff directory (agents, teams) and agents' in-app notifications, in the tickets table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from shared.adapters.items import AgentItem, HelpdeskItem, NotificationItem, TeamItem
from shared.adapters.tickets_store import Key, Page, sort_time
from shared.domain.directory import Agent, Availability, Team

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
            return _agent(AgentItem.get(DIRECTORY, f"AGENT#{email.lower()}"))
        except DoesNotExist:
            return None

    def put_agent(self, agent: Agent) -> None:
        AgentItem(
            DIRECTORY,
            f"AGENT#{agent.email.lower()}",
            email=agent.email.lower(),
            name=agent.name,
            role=agent.role,
            teams=list(agent.teams),
            skills=list(agent.skills),
            capacity=agent.capacity,
            availability=agent.availability.value,
            senior=agent.senior,
            language=agent.language,
        ).save()

    def put_team(self, team: Team) -> None:
        TeamItem(DIRECTORY, f"TEAM#{team.id}", id=team.id, name=team.name, supervisor=team.supervisor).save()


def _agent(item: AgentItem) -> Agent:
    return Agent(
        email=item.email,
        name=item.name,
        role=item.role,
        teams=list(item.teams or []),
        skills=list(item.skills or []),
        capacity=int(item.capacity),
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
        )
        try:
            item.save(condition=NotificationItem.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def list(self, recipient: str, limit: int, start: Key | None) -> Page:
        result = NotificationItem.query(
            f"INBOX#{recipient.lower()}", scan_index_forward=False, page_size=limit, last_evaluated_key=start
        )
        page = next(result.page_iter)
        return Page([NotificationItem.from_raw_data(r) for r in page.get("Items", [])], page.get("LastEvaluatedKey"))

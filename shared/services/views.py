"""Saved views (视图): named filter sets over the ticket lists, personal or shared with a team by its supervisor;
listed with a bounded count of the tickets each shows."""

from __future__ import annotations

from collections.abc import Mapping

from shared.clock import Clock
from shared.domain.access import Permission, Principal
from shared.domain.views import SavedView, ticket_query
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.services.ports import Directory, Views
from shared.services.tickets import TicketService

COUNT_LIMIT = 100  # a view's count reads one page of at most this many ("100+" beyond)
MAX_VIEWS = 50


class ViewService:
    def __init__(self, store: Views, directory: Directory, tickets: TicketService, clock: Clock) -> None:
        self._store = store
        self._directory = directory
        self._tickets = tickets
        self._clock = clock

    def saved(self, principal: Principal) -> list[SavedView]:
        _staff(principal)
        return self._store.views(principal.email, self._teams(principal))

    def count(self, principal: Principal, view: SavedView) -> tuple[int, bool]:
        """How many tickets the view lists, from one page of at most 100 (and whether there are more)."""
        items, cursor = self._tickets.list(principal, ticket_query(view.filters, COUNT_LIMIT))
        return len(items), cursor is not None

    def put(
        self, principal: Principal, view_id: str, name: str, filters: Mapping[str, str], team: str | None
    ) -> tuple[SavedView, bool]:
        _staff(principal)
        if team is not None:
            self._may_share(principal, team)
        existing = self._find(principal, view_id)
        if existing is not None and existing.team is not None:
            self._may_share(principal, existing.team)  # a shared view is its team supervisor's to change
        elif existing is None and len(self.saved(principal)) >= MAX_VIEWS:
            raise InvalidInput(f"at most {MAX_VIEWS} views", field="id")
        view = SavedView(view_id, name, principal.email, dict(filters), team, self._clock.now())
        self._tickets.list(principal, ticket_query(view.filters, 1))  # the filters must make a list this caller sees
        self._store.put_view(view)
        if existing is not None and (existing.team != team or (team is None and existing.owner != principal.email)):
            self._store.delete_view(existing)
        return view, existing is None

    def delete(self, principal: Principal, view_id: str) -> None:
        _staff(principal)
        existing = self._find(principal, view_id)
        if existing is None:
            raise NotFound("no such view")
        if existing.team is not None:
            self._may_share(principal, existing.team)
        self._store.delete_view(existing)

    def _find(self, principal: Principal, view_id: str) -> SavedView | None:
        """The caller's own view of that id, else their teams' shared one (one GetItem each)."""
        found = self._store.view(view_id, principal.email, None)
        for team in self._teams(principal) if found is None else ():
            found = self._store.view(view_id, None, team)
            if found is not None:
                break
        return found

    def _teams(self, principal: Principal) -> list[str]:
        teams: list[str] = list(principal.teams)
        if not teams:
            agent = self._directory.get_agent(principal.email)
            teams = list(agent.teams) if agent else []
        if principal.can(Permission.TICKET_REVIEW):  # supervisors see what they share with the teams they lead
            _, all_teams = self._directory.list_all()
            teams += [t.id for t in all_teams if t.supervisor == principal.email]
        return list(dict.fromkeys(teams))

    def _may_share(self, principal: Principal, team: str) -> None:
        if principal.can(Permission.DIRECTORY_MANAGE):
            return
        found = self._directory.get_team(team)
        if found is None or found.supervisor != principal.email:
            raise Forbidden("only the team's supervisor shares views with it")


def _staff(principal: Principal) -> None:
    if not principal.can(Permission.TICKET_READ_ALL):
        raise Forbidden("staff only")

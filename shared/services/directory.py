"""Staff directory use cases: who is on the desk, in which teams, with which skills and how much room.

Admins add, change and remove agents and teams here. The directory is what routing and assignment read; on AWS the
sign-in account and its Cognito group (the role) are kept in step through `StaffAccounts`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from shared.domain.access import ADMIN, ROLE_ID, STAFF_ROLES, SUPERVISOR, Permission, Principal
from shared.domain.directory import Agent, AgentProfile, Availability, Team
from shared.errors import Forbidden, InvalidInput, NotFound, StaffConflict
from shared.services.ports import Directory, Loads, RoleReader

if TYPE_CHECKING:
    from shared.domain.rules import RuleSet

TEAM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_CAPACITY = 100


class StaffAccounts(Protocol):
    """Where staff sign in (Cognito on AWS): an account per agent, in the group of their role."""

    def grant(self, email: str, name: str, role: str) -> None: ...

    def revoke(self, email: str) -> None: ...


class DirectorySignIn:
    """Local mode signs staff in from the directory itself: nothing else to keep in step."""

    def grant(self, email: str, name: str, role: str) -> None:
        return None

    def revoke(self, email: str) -> None:
        return None


class TeamTickets(Protocol):
    def team_has_open_tickets(self, team: str) -> bool: ...


class DirectoryService:
    def __init__(
        self,
        store: Directory,
        loads: Loads | None = None,
        accounts: StaffAccounts | None = None,
        tickets: TeamTickets | None = None,
        rules: Callable[[], RuleSet] | None = None,
        roles: RoleReader | None = None,
    ) -> None:
        self._roles = roles
        self._store = store
        self._loads = loads
        self._accounts = accounts or DirectorySignIn()
        self._tickets = tickets
        self._rules = rules

    def agents(self, principal: Principal) -> list[Agent]:
        self._require(principal, Permission.DIRECTORY_READ)
        return sorted(self._store.list_all()[0], key=lambda a: a.email)

    def teams(self, principal: Principal) -> list[Team]:
        self._require(principal, Permission.DIRECTORY_READ)
        return sorted(self._store.list_all()[1], key=lambda t: t.id)

    def staff_addresses(self) -> frozenset[str]:
        """Every staff member's address: what masking leaves readable (one Query of the directory)."""
        return frozenset(a.email.lower() for a in self._store.list_all()[0])

    def language_of(self, principal: Principal) -> str | None:
        """A staff member's language from their profile (None for customers, or staff not in the directory)."""
        if not principal.is_staff:
            return None
        agent = self._store.get_agent(principal.email)
        return agent.language if agent else None

    def open_tickets(self, principal: Principal, agents: Iterable[str]) -> dict[str, int]:
        """How many open tickets these agents hold now (what counts against their capacity)."""
        self._require(principal, Permission.DIRECTORY_READ)
        if self._loads is None:
            return {}
        return {email: sum(by_priority.values()) for email, by_priority in self._loads.loads(agents).items()}

    # -- administration ----------------------------------------------------------------------------
    def save_agent(self, principal: Principal, email: str, profile: AgentProfile) -> tuple[Agent, bool]:
        """Add or change an agent; True when added. Saving the same profile twice changes nothing more."""
        self._require(principal, Permission.DIRECTORY_MANAGE)
        email = _email(email)
        custom = profile.role not in STAFF_ROLES and self._roles is not None and ROLE_ID.match(profile.role)
        if profile.role not in STAFF_ROLES and not (custom and self._roles and self._roles.get_role(profile.role)):
            raise InvalidInput(f"unknown role '{profile.role}'", field="role")
        if not 0 <= profile.capacity <= MAX_CAPACITY:
            raise InvalidInput(f"capacity must be 0 to {MAX_CAPACITY}", field="capacity")
        teams = list(dict.fromkeys(profile.teams))
        known = {t.id for t in self._store.list_all()[1]}
        unknown = [t for t in teams if t not in known]
        if unknown:
            raise InvalidInput(f"unknown team '{unknown[0]}'", field="teams")
        # Against the role signed in with: an admin not yet in the directory cannot demote themselves either.
        if email == principal.email and profile.role != principal.role:
            raise StaffConflict("own_role", "admins cannot change their own role (another admin can)")
        existing = self._store.get_agent(email)
        agent = Agent(
            email=email,
            name=profile.name,
            role=profile.role,
            teams=teams,
            skills=list(dict.fromkeys(profile.skills)),
            capacity=profile.capacity,
            # New agents start offline: they take tickets once they switch themselves online.
            availability=profile.availability or Availability.OFFLINE,
            senior=profile.senior,
            language=profile.language,
            chat_capacity=profile.chat_capacity,
        )
        # The account first: a failure after it leaves a directory entry missing, which saving again completes.
        self._accounts.grant(email, agent.name, agent.role)
        if existing is None and self._store.add_agent(agent):
            return agent, True
        # The directory item's stream record tells the assignment function about new teams or room.
        saved = self._store.update_profile(agent, profile.availability)
        if saved is None:  # removed meanwhile: add again
            self._store.put_agent(agent)
            return agent, True
        return saved, False

    def remove_agent(self, principal: Principal, email: str) -> None:
        self._require(principal, Permission.DIRECTORY_MANAGE)
        email = _email(email)
        if email == principal.email:
            raise StaffConflict("own_account", "admins cannot remove themselves (another admin can)")
        agent = self._store.get_agent(email)
        if agent is None:
            raise NotFound("no such agent")
        held = self.open_tickets(principal, [email]).get(email, 0)
        if held:
            message = f"{agent.name} still holds {held} open tickets; reassign them first"
            raise StaffConflict("agent_has_tickets", message)
        supervised = [t.name for t in self._store.list_all()[1] if t.supervisor == email]
        if supervised:
            raise StaffConflict(
                "supervises_team", f"{agent.name} supervises {', '.join(supervised)}; choose another supervisor first"
            )
        self._accounts.revoke(email)
        self._store.remove_agent(email)

    def save_team(self, principal: Principal, team_id: str, name: str, supervisor: str | None) -> tuple[Team, bool]:
        self._require(principal, Permission.DIRECTORY_MANAGE)
        if not TEAM_ID.match(team_id):
            raise InvalidInput("a team id is 1-32 lower-case letters, digits, '-' or '_'", field="id")
        if supervisor is not None:
            supervisor = _email(supervisor, "supervisor")
            chosen = self._store.get_agent(supervisor)
            if chosen is None or chosen.role not in (SUPERVISOR, ADMIN):
                raise InvalidInput(f"{supervisor} is not a supervisor or admin", field="supervisor")
        created = self._store.get_team(team_id) is None
        team = Team(team_id, name, supervisor)
        self._store.put_team(team)
        members = sorted(a.email for a in self._store.list_all()[0] if team_id in a.teams)
        return Team(team_id, name, supervisor, members), created

    def remove_team(self, principal: Principal, team_id: str) -> None:
        """Delete a team nothing refers to any more: no members, no rule routing to it, no open ticket in it."""
        self._require(principal, Permission.DIRECTORY_MANAGE)
        team = self._store.get_team(team_id) if TEAM_ID.match(team_id) else None
        if team is None:
            raise NotFound("no such team")
        members = [a.name for a in self._store.list_all()[0] if team_id in a.teams]
        if members:
            message = f"{team.name} still has {len(members)} members ({', '.join(members)}); move them first"
            raise StaffConflict("team_has_members", message)
        routing = self._rules() if self._rules else None
        naming = [r.name for r in routing.rules if team_id in r.teams] if routing else []
        if naming:
            raise StaffConflict("team_in_rules", f"routing rules send tickets to {team.name}: {', '.join(naming)}")
        if self._tickets is not None and self._tickets.team_has_open_tickets(team_id):
            raise StaffConflict("team_has_tickets", f"{team.name} still has open tickets; transfer them first")
        self._store.remove_team(team_id)

    @staticmethod
    def _require(principal: Principal, permission: Permission) -> None:
        if not principal.can(permission):
            raise Forbidden("staff only" if permission is Permission.DIRECTORY_READ else "admins only")


def _email(value: str, name: str = "email") -> str:
    email = value.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(f"'{value}' is not an email address", field=name)
    return email

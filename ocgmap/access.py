"""Users, roles and what each role may do.

ocgmap knows four roles (DESIGN.md §8, domain.md §5): the **analyst** who loads and analyses,
the **supervisor** (a detective chief inspector) who reviews gradings and signs off
disclosures, the **investigator** who exports target packages, and the **admin** who runs the
system: users, retention and erasure. :data:`RULES` says what each role may do; nothing else in
ocgmap decides it.

Users live in a users file (``OCGMAP_HOME/users.json`` unless ``OCGMAP_USERS_FILE`` says
otherwise), one entry per user with a role and an Argon2id password hash; ``ocgmap users
add|list|disable`` manage it. A disabled user is kept, so the audit log's names stay
meaningful.

The dashboard always asks who is there (a password against the users file, or OpenID Connect
through Streamlit's ``st.login``). The command line acts as the named user (``--user`` or
``OCGMAP_USER``, else the login name): once a users file exists, that user must be in it,
enabled, and hold the permission, or the command is refused and the refusal logged. Before the
first user is added the command line runs in single-user mode (everything allowed, every
action still logged under the login name), so a fresh machine can run the demo.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from ocgmap.audit import Action, AuditEntry, audit_log
from ocgmap.config import Settings
from ocgmap.errors import InputError, OcgmapError

__all__ = [
    "LOCKOUT_ATTEMPTS",
    "LOCKOUT_WINDOW",
    "MIN_PASSWORD",
    "RULES",
    "AccessDenied",
    "Permission",
    "Role",
    "User",
    "Users",
    "allowed",
    "authorise",
    "locked_until",
    "log_refusal",
    "refusal",
    "roles_with",
    "users_file",
]

#: The shortest password ``ocgmap users add`` accepts (NCSC: length over complexity).
MIN_PASSWORD = 12

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")
_HASHER = PasswordHasher()  # Argon2id with the library's (RFC 9106 low-memory) parameters
#: Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("ocgmap: no such user")


class Role(StrEnum):
    """Who someone is in the unit."""

    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    INVESTIGATOR = "investigator"
    ADMIN = "admin"


class Permission(StrEnum):
    """Something a role may do."""

    VIEW = "view"
    """See the challenge list, clusters, the network and intelligence without conditions."""
    LOAD = "load"
    """Load source files (collection)."""
    ANALYSE = "analyse"
    """Run an analysis (combination)."""
    REVIEW = "review"
    """Accept, reject or query a cluster's grading."""
    EXPORT = "export"
    """Write a target package (disclosure)."""
    CONDITIONAL = "conditional"
    """View or export intelligence with handling code C, with a justification."""
    READ_AUDIT = "read_audit"
    """Read, verify and export the audit log."""
    ERASE = "erase"
    """Erase a load and empty the store."""
    MANAGE_USERS = "manage_users"
    """Add and disable users."""


P = Permission
#: What each role may do. Least privilege: the admin runs the system but does not disclose.
RULES: dict[Role, frozenset[Permission]] = {
    Role.ANALYST: frozenset({P.VIEW, P.LOAD, P.ANALYSE}),
    Role.SUPERVISOR: frozenset(
        {P.VIEW, P.ANALYSE, P.REVIEW, P.EXPORT, P.CONDITIONAL, P.READ_AUDIT}
    ),
    Role.INVESTIGATOR: frozenset({P.VIEW, P.EXPORT, P.CONDITIONAL}),
    Role.ADMIN: frozenset({P.VIEW, P.LOAD, P.READ_AUDIT, P.ERASE, P.MANAGE_USERS}),
}

#: What each permission is called in a refusal.
_DOING = {
    P.VIEW: "view the graph",
    P.LOAD: "load data",
    P.ANALYSE: "run an analysis",
    P.REVIEW: "record a review decision",
    P.EXPORT: "export a target package",
    P.CONDITIONAL: "view or export handling-code-C intelligence",
    P.READ_AUDIT: "read the audit log",
    P.ERASE: "erase data",
    P.MANAGE_USERS: "manage users",
}


class AccessDenied(OcgmapError):
    """A user asked for something their role does not allow (the refusal is logged)."""


class User(BaseModel):
    """One user of the users file."""

    name: str
    role: Role
    password_hash: str = Field(default="", repr=False)
    disabled: bool = False
    created_at: AwareDatetime
    created_by: str = ""

    def may(self, permission: Permission) -> bool:
        """Whether this user may do ``permission`` (never, once disabled)."""
        return not self.disabled and allowed(self.role, permission)


class _UsersFile(BaseModel):
    users: list[User] = Field(default_factory=list)


def allowed(role: Role, permission: Permission) -> bool:
    """Whether ``role`` may do ``permission``.

    Examples
    --------
    >>> allowed(Role.ANALYST, Permission.LOAD)
    True
    >>> allowed(Role.ANALYST, Permission.EXPORT)
    False
    """
    return permission in RULES[role]


def roles_with(permission: Permission) -> list[Role]:
    """The roles that may do ``permission``, in :class:`Role` order.

    Examples
    --------
    >>> [r.value for r in roles_with(Permission.ERASE)]
    ['admin']
    """
    return [role for role in Role if permission in RULES[role]]


def users_file(settings: Settings) -> Path:
    """Where the users are kept: ``OCGMAP_USERS_FILE``, else ``OCGMAP_HOME/users.json``."""
    if settings.ocgmap_users_file is not None:
        return settings.ocgmap_users_file.expanduser()
    return settings.home / "users.json"


class Users:
    """The users file: read on every call, so a change shows at once; written atomically.

    Parameters
    ----------
    path : pathlib.Path
        The users file; it need not exist yet.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def of(cls, settings: Settings) -> Users:
        """The users file the settings name."""
        return cls(users_file(settings))

    def exists(self) -> bool:
        """Whether any user has been added (access is enforced from then on)."""
        return self.path.exists()

    def all(self) -> list[User]:
        """Every user, disabled ones included, in the order they were added."""
        if not self.path.exists():
            return []
        try:
            return _UsersFile.model_validate_json(self.path.read_bytes()).users
        except (OSError, ValidationError) as exc:
            raise InputError(f"{self.path}: the users file cannot be read: {exc}") from exc

    def get(self, name: str) -> User | None:
        """The user called ``name`` (case-insensitive), or ``None``."""
        wanted = name.strip().casefold()
        return next((u for u in self.all() if u.name.casefold() == wanted), None)

    def add(self, name: str, role: Role, password: str, *, by: str = "") -> User:
        """Add a user with an Argon2id hash of ``password``.

        Raises
        ------
        InputError
            The name is taken or not a plain user name, or the password is too short.
        """
        name = name.strip()
        if not _NAME.match(name):
            raise InputError(
                f"{name!r} is not a user name: use letters, digits and . _ @ - "
                "(an email address works), at most 128 characters."
            )
        if len(password) < MIN_PASSWORD:
            raise InputError(f"The password must have at least {MIN_PASSWORD} characters.")
        user = User(
            name=name,
            role=role,
            password_hash=_HASHER.hash(password),
            created_at=dt.datetime.now(dt.UTC),
            created_by=by,
        )
        with self._locked() as users:
            if any(u.name.casefold() == name.casefold() for u in users):
                raise InputError(f"There is already a user called {name!r}.")
            users.append(user)
        return user

    def disable(self, name: str) -> User:
        """Disable a user: they can no longer sign in or act; their entry stays.

        Raises
        ------
        InputError
            No such user.
        """
        with self._locked() as users:
            for i, user in enumerate(users):
                if user.name.casefold() == name.strip().casefold():
                    users[i] = user.model_copy(update={"disabled": True})
                    return users[i]
        raise InputError(f"There is no user called {name!r} in {self.path}.")

    def authenticate(self, name: str, password: str) -> User | None:
        """The enabled user with this name and password, or ``None``.

        An unknown name takes as long to refuse as a wrong password.
        """
        user = self.get(name)
        try:
            _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or user.disabled:
            return None
        return user

    class _Lock:
        def __init__(self, owner: Users) -> None:
            self.owner = owner
            self.users: list[User] = []

        def __enter__(self) -> list[User]:
            path = self.owner.path
            path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = (path.parent / f".{path.name}.lock").open("a")
            fcntl.flock(self.handle, fcntl.LOCK_EX)
            self.users = self.owner.all()
            return self.users

        def __exit__(self, kind: object, value: object, tb: object) -> None:
            try:
                if kind is None:
                    self.owner._write(self.users)
            finally:
                fcntl.flock(self.handle, fcntl.LOCK_UN)
                self.handle.close()

    def _locked(self) -> Users._Lock:
        return Users._Lock(self)

    def _write(self, users: Iterable[User]) -> None:
        data = _UsersFile(users=list(users)).model_dump(mode="json")
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


def refusal(user: User | None, needs: Iterable[Permission], name: str = "") -> str | None:
    """Why ``user`` may not do ``needs`` (``None`` when they may).

    Examples
    --------
    >>> import datetime as dt
    >>> ana = User(name="ana", role=Role.ANALYST, created_at=dt.datetime.now(dt.UTC))
    >>> refusal(ana, [Permission.LOAD]) is None
    True
    >>> refusal(ana, [Permission.EXPORT])
    'ana (analyst) may not export a target package: that needs the role supervisor or investigator'
    """
    if user is None:
        return f"{name!r} is not a user of ocgmap"
    if user.disabled:
        return f"{user.name} is disabled"
    missing = next((p for p in needs if not user.may(p)), None)
    if missing is None:
        return None
    roles = " or ".join(r.value for r in roles_with(missing))
    return f"{user.name} ({user.role.value}) may not {_DOING[missing]}: that needs the role {roles}"


#: Wrong sign-ins within :data:`LOCKOUT_WINDOW` after which a name is locked out for a while.
LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)


def locked_until(
    entries: Iterable[AuditEntry], name: str, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When ``name`` may try to sign in again, or ``None`` when it may now.

    A name is locked out once it has :data:`LOCKOUT_ATTEMPTS` refused sign-ins within
    :data:`LOCKOUT_WINDOW`, until the oldest of them is that old: the audit log, which
    records every refused sign-in, is the count.

    Examples
    --------
    >>> from ocgmap.audit import GENESIS
    >>> t = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    >>> wrong = [AuditEntry.seal(seq=i + 1, at=t + dt.timedelta(minutes=i), user="ana",
    ...     action="refused", what="sign in", prev=GENESIS) for i in range(5)]
    >>> locked_until(wrong, "ANA", now=t + dt.timedelta(minutes=5))
    datetime.datetime(2026, 3, 1, 9, 15, tzinfo=datetime.timezone.utc)
    >>> locked_until(wrong[:4], "ana", now=t + dt.timedelta(minutes=5)) is None
    True
    """
    now = now or dt.datetime.now(dt.UTC)
    wanted = name.strip().casefold()
    recent = sorted(
        e.at
        for e in entries
        if e.action is Action.REFUSED
        and e.what == "sign in"
        and e.user.casefold() == wanted
        and now - e.at < LOCKOUT_WINDOW
    )
    if len(recent) < LOCKOUT_ATTEMPTS:
        return None
    return recent[-LOCKOUT_ATTEMPTS] + LOCKOUT_WINDOW


def authorise(
    settings: Settings,
    user: str,
    *needs: Permission,
    what: str,
    objects: Iterable[str] = (),
) -> User | None:
    """Check that ``user`` may do every one of ``needs``; log and raise when not.

    Parameters
    ----------
    settings : Settings
        Where the users file and the audit log are.
    user : str
        Who is acting.
    *needs : Permission
        What the action needs.
    what : str
        The action, for the audit log (``"load"``, ``"export"``).
    objects : iterable of str
        What it was about, for the audit log.

    Returns
    -------
    User or None
        The user, or ``None`` in single-user mode (no users file yet).

    Raises
    ------
    AccessDenied
        The user is unknown, disabled or lacks a permission. A ``refused`` entry naming
        the user, the action and the reason is appended to the audit log first.
    """
    users = Users.of(settings)
    if not users.exists():
        return None
    found = users.get(user)
    reason = refusal(found, needs, name=user)
    if reason is None:
        return found
    log_refusal(settings, user, needs, reason, what=what, objects=objects)
    raise AccessDenied(f"Refused: {reason}. The refusal is in the audit log.")


def log_refusal(
    settings: Settings,
    user: str,
    needs: Iterable[Permission],
    reason: str,
    *,
    what: str,
    objects: Iterable[str] = (),
) -> None:
    """Append a ``refused`` entry: who asked for what, the reason, the permissions needed."""
    audit_log(settings).append(
        user,
        Action.REFUSED,
        what,
        objects,
        details={"reason": reason, "needs": ",".join(p.value for p in needs)},
    )

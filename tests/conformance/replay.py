"""Replay recorded Odoo exchanges against a server and explain every difference.

Loads the cases of ``fixtures/conformance/`` (format: that folder's README.md), runs each step
with the case's transport, compares the outcome with the recording (``matching``) and raises
:class:`ReplayFailure` with the step, what was sent, both values and the path to the first
difference. Works against any Odoo reachable by URL, the embedded sandbox included.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .matching import (
    Difference,
    PlaceholderError,
    Scope,
    compare,
    compare_literal,
    render_expected,
    resolve,
    show_json,
)
from .transports import (
    TRANSPORTS,
    HttpOutcome,
    Outcome,
    Transport,
    TransportError,
    XmlRpc2Transport,
    open_transport,
)

#: The recordings; ``ODOO_HARNESS_CONFORMANCE_DIR`` points the suite at another set of the same kind.
CONFORMANCE_DIR = Path(
    os.environ.get(
        "ODOO_HARNESS_CONFORMANCE_DIR",
        Path(__file__).resolve().parents[2] / "fixtures" / "conformance",
    )
)
#: Topics of the current acceptance issue; the business topics come later.
ACCEPTANCE_TOPICS = ("protocol", "orm", "domains", "errors", "json2")
BUSINESS_TOPICS = ("products", "sales", "stock", "crm", "mail")
TOPICS = ACCEPTANCE_TOPICS + BUSINESS_TOPICS
USERS = ("admin", "integration", "none")
STEP_KINDS = ("call", "service", "http")


class CaseFormatError(Exception):
    """A recording does not follow the README's case format."""


class ReplayFailure(AssertionError):
    """A case did not replay as recorded; the message says where and how."""

    def __init__(self, case: Case, step_index: int, message: str, problem: str) -> None:
        super().__init__(message)
        self.case = case
        self.step_index = step_index
        #: The one-line reason (``result[0].name: expected 'A' got 'B'``).
        self.problem = problem


# --- cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One recorded case of one version and topic."""

    version: str
    topic: str
    id: str
    about: str
    transport: str
    user: str
    steps: tuple[dict[str, Any], ...]
    source: Path

    @property
    def test_id(self) -> str:
        """``18.0-orm-orm.read.formats``: how tests and expected_failures.txt name the case."""
        return f"{self.version}-{self.topic}-{self.id}"


def versions(root: Path = CONFORMANCE_DIR) -> list[str]:
    """Recorded versions, oldest first (``odoo-17.0`` -> ``17.0``)."""
    found = [path.name.removeprefix("odoo-") for path in root.glob("odoo-*") if path.is_dir()]
    return sorted(found, key=lambda v: tuple(int(part) for part in v.split(".")))


def topics(version: str, root: Path = CONFORMANCE_DIR) -> list[str]:
    """Recorded topics of a version, in :data:`TOPICS` order, unknown ones last."""
    found = {p.stem for p in (root / f"odoo-{version}").glob("*.json")} - {"masterdata"}
    return [t for t in TOPICS if t in found] + sorted(found - set(TOPICS))


def load_topic(version: str, topic: str, root: Path = CONFORMANCE_DIR) -> list[Case]:
    """The cases of one ``odoo-<version>/<topic>.json``, checked against the case format."""
    source = root / f"odoo-{version}" / f"{topic}.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    return [_case(version, topic, raw, source) for raw in document["cases"]]


def load_cases(root: Path = CONFORMANCE_DIR) -> list[Case]:
    """Every case of every version and topic."""
    return [
        case
        for version in versions(root)
        for topic in topics(version, root)
        for case in load_topic(version, topic, root)
    ]


def all_topics(root: Path = CONFORMANCE_DIR) -> list[str]:
    """Every topic recorded for any version (each becomes a pytest marker)."""
    found = {topic for version in versions(root) for topic in topics(version, root)}
    return [t for t in TOPICS if t in found] + sorted(found - set(TOPICS))


def load_masterdata(version: str, root: Path = CONFORMANCE_DIR) -> dict[str, Any]:
    """The version's ``masterdata.json``."""
    path = root / f"odoo-{version}" / "masterdata.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _case(version: str, topic: str, raw: dict[str, Any], source: Path) -> Case:
    where = f"{source}: case {raw.get('id', '?')!r}"
    for key in ("id", "transport", "user", "steps"):
        if key not in raw:
            raise CaseFormatError(f"{where}: missing key {key!r}")
    if raw["transport"] not in TRANSPORTS:
        raise CaseFormatError(f"{where}: unknown transport {raw['transport']!r}")
    for index, step in enumerate(raw["steps"]):
        _check_step(step, f"{where}, step {index}")
    return Case(
        version=version,
        topic=topic,
        id=raw["id"],
        about=raw.get("about", ""),
        transport=raw["transport"],
        user=raw["user"],
        steps=tuple(raw["steps"]),
        source=source,
    )


def _check_step(step: dict[str, Any], where: str) -> None:
    kinds = [kind for kind in STEP_KINDS if kind in step]
    if len(kinds) != 1:
        raise CaseFormatError(f"{where}: needs exactly one of {', '.join(STEP_KINDS)}")
    if "call" in step and len(step["call"]) != 4:
        raise CaseFormatError(f"{where}: 'call' is [model, method, args, kwargs]")
    if "service" in step and len(step["service"]) != 3:
        raise CaseFormatError(f"{where}: 'service' is [service, method, args]")
    if "result" in step and "error" in step:
        raise CaseFormatError(f"{where}: a step expects a result or an error, not both")
    if step.get("user", "admin") not in USERS:
        raise CaseFormatError(f"{where}: unknown user {step['user']!r}")


def expected_failures(path: Path) -> set[str]:
    """Test ids listed in an expected-failures file: one per line, ``#`` starts a comment."""
    if not path.exists():
        return set()
    lines = (
        line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
    )
    return {line for line in lines if line}


# --- the server and its users -----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where the cases are replayed: an Odoo (or the sandbox) by URL, and its accounts."""

    version: str
    url: str
    db: str
    credentials: Mapping[str, tuple[str, str]]
    api_keys: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of_server(cls, server: Any, version: str, root: Path = CONFORMANCE_DIR) -> Target:
        """From a running ``SandboxServer`` (url, db, credentials, api_key)."""
        integration = load_masterdata(version, root)["integration_user"]
        credentials = {"integration": (integration["login"], integration["password"])}
        credentials |= {user: tuple(pair) for user, pair in server.credentials.items()}
        api_key = getattr(server, "api_key", None)
        return cls(
            version, server.url, server.db, credentials, {"admin": api_key} if api_key else {}
        )


class Directory:
    """Ids the recordings leave symbolic, looked up through the API itself and cached:
    users' uids (``common.login``) and external ids (``ir.model.data``, as admin)."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.db = target.db
        self._uids: dict[str, int] = {}
        self._xmlids: dict[str, int] = {}

    def credentials(self, user: str) -> tuple[str, str]:
        if user not in self.target.credentials:
            raise PlaceholderError(f"no credentials for user {user!r}")
        return self.target.credentials[user]

    def api_key(self, user: str) -> str:
        if user not in self.target.api_keys:
            raise PlaceholderError(f"no API key for user {user!r} on {self.target.version}")
        return self.target.api_keys[user]

    def uid(self, user: str) -> int:
        if user not in self._uids:
            self._uids[user] = self._login(user)
        return self._uids[user]

    def xmlid(self, ref: str) -> int:
        if ref not in self._xmlids:
            self._xmlids[ref] = self._find_xmlid(ref)
        return self._xmlids[ref]

    def _login(self, user: str) -> int:
        login, password = self.credentials(user)
        with XmlRpc2Transport(self.target.url, self) as rpc:
            outcome = rpc.service("common", "login", [self.db, login, password])
        if outcome.error is not None or type(outcome.result) is not int:
            answer = show_json(outcome.error or outcome.result)
            raise PlaceholderError(
                f"cannot log in as {user!r} ({login}): common.login gave {answer}"
            )
        return outcome.result

    def _find_xmlid(self, ref: str) -> int:
        module, _, name = ref.partition(".")
        with XmlRpc2Transport(self.target.url, self) as rpc:
            outcome = rpc.call(
                "admin", "ir.model.data", "check_object_reference", [module, name], {}
            )
            if (
                outcome.error is None
                and isinstance(outcome.result, list)
                and len(outcome.result) == 2
            ):
                return outcome.result[1]
            domain = [["module", "=", module], ["name", "=", name]]
            found = rpc.call("admin", "ir.model.data", "search_read", [domain, ["res_id"]], {})
        if found.error is None and found.result:
            return found.result[0]["res_id"]
        raise PlaceholderError(
            f"$xmlid:{ref} not found through ir.model.data "
            f"(check_object_reference: {_outcome_text(outcome)}; search_read: {_outcome_text(found)})"
        )


def _outcome_text(outcome: Outcome) -> str:
    return show_json(outcome.error if outcome.error is not None else outcome.result)


# --- running ----------------------------------------------------------------------------------


class CaseRunner:
    """Replays cases against one target; caches uids and external ids across cases."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.directory = Directory(target)

    def run(self, case: Case) -> None:
        """Replay every step; raise :class:`ReplayFailure` at the first difference."""
        user = _effective_user(case.user)
        scope = Scope(special=functools.partial(self._special, user))
        with open_transport(case.transport, self.target.url, self.directory) as transport:
            for index, step in enumerate(case.steps):
                self._run_step(case, index, step, scope, transport)

    def _run_step(
        self, case: Case, index: int, step: dict[str, Any], scope: Scope, transport: Transport
    ) -> None:
        try:
            outcome = perform(step, step.get("user", case.user), scope, transport)
        except (PlaceholderError, TransportError) as exc:
            raise self._failure(case, index, scope, None, f"could not send: {exc}") from exc
        try:
            difference = check(step, outcome, scope)
        except PlaceholderError as exc:
            raise self._failure(case, index, scope, outcome, f"could not compare: {exc}") from exc
        if difference is not None:
            raise self._failure(case, index, scope, outcome, str(difference))
        if "as" in step:
            scope.bindings[step["as"]] = (
                outcome.body if isinstance(outcome, HttpOutcome) else outcome.result
            )

    @staticmethod
    def _failure(
        case: Case, index: int, scope: Scope, outcome: Outcome | HttpOutcome | None, problem: str
    ) -> ReplayFailure:
        message = failure_message(case, index, scope, outcome, problem)
        return ReplayFailure(case, index, message, problem)

    def _special(self, user: str, token: str) -> Any:
        if token == "db":
            return self.target.db
        if token == "login":
            return self.directory.credentials(user)[0]
        if token == "password":
            return self.directory.credentials(user)[1]
        if token == "uid":
            return self.directory.uid(user)
        if token == "apikey":
            return self.directory.api_key(user)
        if token.startswith("uid:"):
            return self.directory.uid(token.removeprefix("uid:"))
        if token.startswith("xmlid:"):
            return self.directory.xmlid(token.removeprefix("xmlid:"))
        raise PlaceholderError(f"unknown placeholder ${token}")


def _effective_user(user: str) -> str:
    """Whose ``$login``/``$uid`` a case uses: calls made without logging in still name admin's."""
    return "admin" if user == "none" else user


def perform(
    step: dict[str, Any], user: str, scope: Scope, transport: Transport
) -> Outcome | HttpOutcome:
    """Send one step with placeholders resolved."""
    if "call" in step:
        model, method, args, kwargs = resolve(step["call"], scope)
        return transport.call(user, model, method, args, kwargs)
    if "service" in step:
        service, method, args = resolve(step["service"], scope)
        return transport.service(service, method, args)
    return transport.http(user, resolve(step["http"], scope))


def check(step: dict[str, Any], outcome: Outcome | HttpOutcome, scope: Scope) -> Difference | None:
    """The first difference between a step's recorded outcome and the actual one."""
    if isinstance(outcome, HttpOutcome):
        return _check_http(step, outcome, scope)
    if "error" in step:
        if outcome.error is None:
            return Difference("error", f"expected an error, got result {show_json(outcome.result)}")
        return compare(step["error"], outcome.error, scope, "error")
    if outcome.error is not None:
        return Difference("result", f"expected a result, got error {show_json(outcome.error)}")
    if "result" in step:
        return compare(step["result"], outcome.result, scope, "result")
    return None


def _check_http(step: dict[str, Any], outcome: HttpOutcome, scope: Scope) -> Difference | None:
    if "status" in step:
        difference = compare_literal(step["status"], outcome.status, "status")
        if difference is not None:
            return difference
    for name, expected in step.get("headers", {}).items():
        path = f"headers[{json.dumps(name)}]"
        if name not in outcome.headers:
            return Difference(path, "missing header")
        difference = compare(_ows(expected), _ows(outcome.headers[name]), scope, path)
        if difference is not None:
            return difference
    if "body" in step:
        return compare(step["body"], outcome.body, scope, "body")
    return None


def _ows(value: Any) -> Any:
    """A header value without surrounding whitespace: HTTP says it is not part of the value
    (RFC 9110, 5.5), and HTTP parsers such as httpx's h11 drop it (Odoo sends ``Bearer ``)."""
    return value.strip(" \t") if isinstance(value, str) else value


# --- failure messages -------------------------------------------------------------------------

_LIMIT = 2000


def failure_message(
    case: Case,
    index: int,
    scope: Scope,
    outcome: Outcome | HttpOutcome | None,
    problem: str,
) -> str:
    """Everything needed to understand a failed step without re-running it."""
    step = case.steps[index]
    lines = [
        f"{case.version} {case.id}: {case.about}",
        f"  recorded in {_relative(case.source)} (transport {case.transport}, user {case.user})",
        f"step {index + 1} of {len(case.steps)}: {describe_step(step)}",
        f"  {'sent:':<16} {_clip(outcome.sent) if outcome else '(nothing)'}",
        f"  {'difference:':<16} {problem}",
    ]
    lines += [f"  {label:<16} {_clip(text)}" for label, text in _values(step, outcome, scope)]
    if scope.bindings:
        bound = ", ".join(f"${name} = {show_json(value)}" for name, value in scope.bindings.items())
        lines.append(f"  {'bindings:':<16} {_clip(bound)}")
    return "\n".join(lines)


def describe_step(step: dict[str, Any]) -> str:
    """The recorded step in one line: ``call res.partner.read([[...], [...]], {})``."""
    user = f" as {step['user']}" if "user" in step else ""
    if "call" in step:
        model, method, args, kwargs = step["call"]
        return f"call {model}.{method}({show_json(args)[1:-1]}, {show_json(kwargs)}){user}"
    if "service" in step:
        service, method, args = step["service"]
        return f"service {service}.{method}({show_json(args)[1:-1]}){user}"
    request = step["http"]
    return f"http {request.get('method', 'GET')} {request['path']}{user}"


def _values(
    step: dict[str, Any], outcome: Outcome | HttpOutcome | None, scope: Scope
) -> Iterator[tuple[str, str]]:
    for key in ("status", "headers", "result", "error", "body"):
        if key in step:
            yield f"expected {key}:", show_json(render_expected(step[key], scope))
    if isinstance(outcome, HttpOutcome):
        yield "actual status:", str(outcome.status)
        wanted = [*step.get("headers", {}), "content-type"]
        headers = {name: outcome.headers[name] for name in wanted if name in outcome.headers}
        yield "actual headers:", show_json(headers)
        yield "actual body:", show_json(outcome.body)
    elif outcome is not None and outcome.error is not None:
        yield "actual error:", show_json(outcome.error)
        if outcome.detail and outcome.detail != outcome.error.get("message"):
            yield "server said:", "\n" + _tail(outcome.detail)
    elif outcome is not None:
        yield "actual result:", show_json(outcome.result)


def _tail(text: str, lines: int = 15) -> str:
    kept = text.rstrip("\n").split("\n")[-lines:]
    return "\n".join(f"      | {line}" for line in kept)


def _clip(text: str) -> str:
    return text if len(text) <= _LIMIT else text[:_LIMIT] + f"... ({len(text)} characters)"


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)

"""What a scenario expects (``then``) and the built-in checks every scenario gets:
``no_duplicate_records``, ``ownership_respected``, ``messages_match_contracts`` and
``no_secret_in_journal``. Each returns ``Failure`` values; none raises on a mismatch."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..journal import JournalEntry
from .model import Scenario

if TYPE_CHECKING:
    from .sandboxes import Sandboxes
    from .sut import SystemUnderTest

NOTABLE = (
    "OwnershipConflict",
    "ContractViolated",
    "JobRetried",
    "JobFailed",
    "JobPaused",
    "EngineCrashed",
    "EngineRestarted",
)


@dataclass(frozen=True)
class Failure:
    """One failed expectation: which (``then.odoo.res.partner.count`` or a built-in
    check's name), its line, what was expected and found, and the journal entries that
    explain it."""

    check: str
    line: int
    expected: Any
    actual: Any
    message: str = ""
    entries: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "line": self.line,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
            "entries": list(self.entries),
        }


def _count(value: Any) -> int:
    return 0 if value in (None, "none") else int(value)


def _notable(sandboxes: Sandboxes, kinds: Iterable[str] = NOTABLE) -> tuple[dict[str, Any], ...]:
    wanted = set(kinds)
    return tuple(e.to_dict() for e in sandboxes.journal if e.kind in wanted)[-10:]


# -- then ---------------------------------------------------------------------------------
def expectations(scenario: Scenario, sandboxes: Sandboxes, sut: SystemUnderTest) -> list[Failure]:
    """The scenario's ``then``, checked by the harness (its reads are not the users')."""
    from .sandboxes import HARNESS

    with sandboxes.acting(HARNESS):
        return _expectations(scenario, sandboxes, sut)


def _expectations(scenario: Scenario, sandboxes: Sandboxes, sut: SystemUnderTest) -> list[Failure]:
    then = scenario.then
    failures: list[Failure] = []
    for model, spec in (then.get("odoo") or {}).items():
        for i, exp in enumerate(spec if isinstance(spec, list) else [spec]):
            key = ("then", "odoo", model) + ((i,) if isinstance(spec, list) else ())
            failures += _odoo(scenario, sandboxes, model, exp, key)
    for object_type, spec in (then.get("crm") or {}).items():
        for i, exp in enumerate(spec if isinstance(spec, list) else [spec]):
            key = ("then", "crm", object_type) + ((i,) if isinstance(spec, list) else ())
            failures += _crm(scenario, sandboxes, object_type, exp, key)
    if isinstance(then.get("failed_records"), list):
        failures += _failed_records(scenario, sandboxes, sut.failed_records())
    elif "failed_records" in then:
        records = sut.failed_records()
        if len(records) != _count(then["failed_records"]):
            failures.append(
                Failure(
                    "then.failed_records",
                    scenario.line("then", "failed_records"),
                    then["failed_records"],
                    records,
                    "the failed-record queue differs",
                    _notable(sandboxes),
                )
            )
    for system, counts in (then.get("requests") or {}).items():
        failures += _requests(scenario, sandboxes, system, counts)
    from .commerce_checks import commerce_expectations  # it builds on this module

    failures += commerce_expectations(scenario, sandboxes)
    return failures


def _failed_records(
    scenario: Scenario, sandboxes: Sandboxes, records: list[dict[str, Any]]
) -> list[Failure]:
    """Each expected entry matches its own record (``reason`` contained, other keys equal)
    and no record is left over."""
    wanted = scenario.then["failed_records"]
    left = list(records)
    missing = []
    for want in wanted:
        match = next((r for r in left if _is_record(r, want)), None)
        if match is None:
            missing.append(want)
        else:
            left.remove(match)
    if not missing and not left:
        return []
    message = (
        f"no failed record matches {missing[0]}" if missing else "more failed records than expected"
    )
    return [
        Failure(
            "then.failed_records",
            scenario.line("then", "failed_records"),
            wanted,
            records,
            message,
            _notable(sandboxes),
        )
    ]


def _is_record(record: Mapping[str, Any], want: Mapping[str, Any]) -> bool:
    for key, value in want.items():
        actual = str(record.get(key) or "")
        if (value.lower() not in actual.lower()) if key == "reason" else actual != value:
            return False
    return True


def _requests(
    scenario: Scenario, sandboxes: Sandboxes, system: str, counts: Mapping[str, int]
) -> list[Failure]:
    """Requests the ``system`` sandbox received, counted by ``METHOD /path`` (``*`` ends
    a prefix)."""
    seen = [
        f"{e.data.get('method')} {e.data.get('path')}"
        for e in sandboxes.journal
        if _sut_request(e) and e.system == system
    ]
    failures = []
    for pattern, expected in counts.items():
        prefix = pattern.endswith("*")
        n = sum(1 for r in seen if (r.startswith(pattern[:-1]) if prefix else r == pattern))
        if n != expected:
            failures.append(
                Failure(
                    f"then.requests.{system}.{pattern}",
                    scenario.line("then", "requests", system, pattern),
                    expected,
                    n,
                    f"requests {system} received",
                    _notable(sandboxes),
                )
            )
    return failures


def _records(
    scenario: Scenario,
    key: tuple[str | int, ...],
    exp: Mapping[str, Any],
    rows: list[dict[str, Any]],
    sandboxes: Sandboxes,
    plain: Any,
) -> list[Failure]:
    where = ".".join(str(k) for k in key)
    failures: list[Failure] = []
    if "count" in exp and len(rows) != exp["count"]:
        failures.append(
            Failure(
                f"{where}.count",
                scenario.line(*key, "count"),
                exp["count"],
                len(rows),
                f"records where {exp['where']}",
                _notable(sandboxes),
            )
        )
    fields = [k for k in exp if k not in ("where", "count")]
    if fields and not rows and exp.get("count", 1):
        failures.append(Failure(where, scenario.line(*key), exp["where"], [], "no record matches"))
    for name in fields:
        for row in rows:
            actual = plain(name, row.get(name), exp[name])
            if actual != exp[name]:
                failures.append(
                    Failure(
                        f"{where}.{name}",
                        scenario.line(*key, name),
                        exp[name],
                        actual,
                        f"record {row.get('id')}",
                        _notable(sandboxes),
                    )
                )
    return failures


def _odoo(
    scenario: Scenario, sandboxes: Sandboxes, model: str, exp: Mapping[str, Any], key: Any
) -> list[Failure]:
    from ..engine.errors import SyncError

    odoo = sandboxes.odoo_user
    fields = [k for k in exp if k not in ("where", "count")]
    domain = [(k, "=", v) for k, v in exp["where"].items()]
    try:
        rows = odoo.search_read(model, domain, ["id", *fields])
    except SyncError as exc:  # a misspelt model or field: one line naming the key
        where = ".".join(str(k) for k in key)
        named = [f for f in fields if f"'{f}'" in str(exc)]  # Odoo names the bad field
        return [
            Failure(
                f"{where}.{named[0]}" if named else where,
                scenario.line(*key, named[0]) if named else scenario.line(*key),
                f"Odoo reads {model} where {exp['where']} ({', '.join(fields) or 'ids'})",
                str(exc),
                "Odoo refused the read: is each field and model name right?",
            )
        ]
    relations: dict[str, str] = {}

    def plain(name: str, value: Any, expected: Any) -> Any:
        if isinstance(value, list) and len(value) == 2 and isinstance(expected, str):
            return value[1]  # many2one as [id, name]
        names_expected = isinstance(expected, list) and all(isinstance(x, str) for x in expected)
        if isinstance(value, list) and value and names_expected:
            if name not in relations:
                info = odoo.call(model, "fields_get", [name], attributes=["relation"])
                relations[name] = info[name]["relation"]
            names = odoo.read(relations[name], value, ["display_name"])
            return sorted(r["display_name"] for r in names)
        return value

    return _records(scenario, key, exp, rows, sandboxes, plain)


def _crm(
    scenario: Scenario, sandboxes: Sandboxes, object_type: str, exp: Mapping[str, Any], key: Any
) -> list[Failure]:
    fields = [k for k in exp if k not in ("where", "count")]
    found = sandboxes.crm_user.search(
        object_type, exp["where"], properties=[*fields, *exp["where"]]
    )
    rows = [{"id": r["id"], **(r.get("properties") or {})} for r in found]

    def plain(name: str, value: Any, expected: Any) -> Any:
        return value if not isinstance(expected, int | float) else type(expected)(value)

    return _records(scenario, key, exp, rows, sandboxes, plain)


# -- built-in checks ----------------------------------------------------------------------
def builtin_checks(scenario: Scenario, sandboxes: Sandboxes) -> list[Failure]:
    from .sandboxes import HARNESS

    with sandboxes.acting(HARNESS):
        return _builtin_checks(scenario, sandboxes)


def _builtin_checks(scenario: Scenario, sandboxes: Sandboxes) -> list[Failure]:
    from .commerce_checks import commerce_checks  # it builds on this module

    entries = list(sandboxes.journal)
    return [
        *no_duplicate_records(scenario, sandboxes),
        *ownership_respected(scenario, entries),
        *messages_match_contracts(entries),
        *no_secret_in_journal(entries, sandboxes.known_secrets()),
        *retry_after_respected(entries),
        *forged_webhooks_refused(entries),
        *commerce_checks(scenario, sandboxes),
    ]


def no_duplicate_records(scenario: Scenario, sandboxes: Sandboxes) -> list[Failure]:
    """No two CRM contacts for one partner (or one email); no two partners for one email."""
    failures: list[Failure] = []
    listed = (
        sandboxes.crm_user.call(
            "GET",
            "/crm/v3/objects/contacts",
            params={"limit": 100, "properties": "odoo_partner_id,email"},
        )
        if sandboxes.crm_user is not None
        else {}
    )
    contacts = [r.get("properties") or {} for r in listed.get("results", [])]
    for prop in ("odoo_partner_id", "email"):
        twice = _twice(c.get(prop) for c in contacts)
        if twice:
            failures.append(
                Failure(
                    "no_duplicate_records",
                    scenario.line(),
                    f"one CRM contact per {prop}",
                    {value: n for value, n in twice.items()},
                    f"CRM contacts created more than once (by {prop})",
                    _exchanges(sandboxes, "/batch/upsert"),
                )
            )
    partners = sandboxes.odoo_user.search_read("res.partner", [("email", "!=", False)], ["email"])
    twice = _twice(p["email"] for p in partners)
    if twice:
        failures.append(
            Failure(
                "no_duplicate_records",
                scenario.line(),
                "one Odoo partner per email",
                twice,
                "Odoo partners created more than once",
            )
        )
    return failures


def _twice(values: Iterable[Any]) -> dict[Any, int]:
    counts = Counter(str(v).lower() for v in values if v)
    return {value: n for value, n in counts.items() if n > 1}


def _exchanges(sandboxes: Sandboxes, path_end: str) -> tuple[dict[str, Any], ...]:
    return tuple(
        e.to_dict()
        for e in sandboxes.journal
        if e.kind == "exchange.request" and str(e.data.get("path", "")).endswith(path_end)
    )


def ownership_respected(scenario: Scenario, entries: list[JournalEntry]) -> list[Failure]:
    """No ``OwnershipConflict`` unless ``then.ownership_conflicts`` expects it."""
    conflicts = [e for e in entries if e.kind == "OwnershipConflict"]
    expected = scenario.then.get("ownership_conflicts", "none")
    line = scenario.line("then", "ownership_conflicts")
    if isinstance(expected, list):
        unmatched = [
            want
            for want in expected
            if not any(all(c.data.get(k) == v for k, v in want.items()) for c in conflicts)
        ]
        if unmatched or len(conflicts) != len(expected):
            return [
                Failure(
                    "ownership_respected",
                    line,
                    expected,
                    [dict(c.data) for c in conflicts],
                    "the ownership conflicts differ from the expected ones",
                    tuple(c.to_dict() for c in conflicts),
                )
            ]
        return []
    if len(conflicts) != _count(expected):
        return [
            Failure(
                "ownership_respected",
                line,
                f"{_count(expected)} ownership conflicts",
                len(conflicts),
                "a system wrote a field it does not own",
                tuple(c.to_dict() for c in conflicts),
            )
        ]
    return []


def messages_match_contracts(entries: list[JournalEntry]) -> list[Failure]:
    """Every exchanged message valid against its contract: no ``ContractViolated``, except
    on an answer the scenario injected as a fault (a gateway's 503 is not the provider's
    API talking)."""
    # each mock numbers its own requests (req_00000001...): ids repeat across systems
    faulted = {(e.system, e.correlation_id) for e in entries if e.kind == "mock.fault"}
    injected = {
        str(headers.get("x-correlation-id"))
        for e in entries
        if e.kind == "mock.request"
        and (e.system, e.correlation_id) in faulted
        and (headers := {str(k).lower(): v for k, v in (e.data.get("headers") or {}).items()})
    }
    violations = [
        e
        for e in entries
        if e.kind == "ContractViolated"
        and not (e.data.get("where", "").startswith("response") and e.correlation_id in injected)
    ]
    if not violations:
        return []
    return [
        Failure(
            "messages_match_contracts",
            1,
            "no contract violation",
            len(violations),
            "a message did not match its contract",
            tuple(v.to_dict() for v in violations),
        )
    ]


def retry_after_respected(entries: list[JournalEntry]) -> list[Failure]:
    """After a provider answered with ``Retry-After: N``, it gets no request for N seconds."""
    failures = []
    for i, answer in enumerate(entries):
        if answer.kind != "mock.response":
            continue
        headers = {str(k).lower(): v for k, v in (answer.data.get("headers") or {}).items()}
        wait = _seconds(headers.get("retry-after"))
        if wait is None:
            continue
        until = answer.at.timestamp() + wait
        early = next(
            (
                e
                for e in entries[i + 1 :]
                if _sut_request(e) and e.system == answer.system and e.at.timestamp() < until
            ),
            None,
        )
        if early is not None:
            waited = early.at.timestamp() - answer.at.timestamp()
            failures.append(
                Failure(
                    "retry_after_respected",
                    1,
                    f"no request to {answer.system} for {wait:g}s (Retry-After: {wait:g})",
                    f"{early.data.get('method')} {early.data.get('path')} after {waited:g}s",
                    f"{answer.system} asked to wait (Retry-After: {wait:g}); "
                    f"the engine called again after {waited:g}s",
                    (answer.to_dict(), early.to_dict()),
                )
            )
    return failures


def _sut_request(entry: JournalEntry) -> bool:
    """A request a sandbox received from the system under test (not from the people a
    scenario plays, who mark theirs with ``X-Harness-Actor``)."""
    if entry.kind != "mock.request":
        return False
    headers = entry.data.get("headers") or {}
    return not any(str(k).lower() == "x-harness-actor" for k in headers)


def _seconds(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def forged_webhooks_refused(entries: list[JournalEntry]) -> list[Failure]:
    """Every webhook a scenario sent with a bad signature was refused with HTTP 401."""
    accepted = [e for e in entries if e.kind == "ForgedWebhookSent" and e.data.get("status") != 401]
    return [
        Failure(
            "forged_webhooks_refused",
            1,
            "HTTP 401 for a webhook with a bad signature",
            f"HTTP {e.data.get('status')}",
            f"the engine accepted a {e.data.get('provider')} webhook with a bad signature",
            (e.to_dict(),),
        )
        for e in accepted
    ]


def no_secret_in_journal(entries: list[JournalEntry], secrets: Iterable[str]) -> list[Failure]:
    """No known secret value anywhere in the journal."""
    failures = []
    for entry in entries:
        text = json.dumps(entry.to_dict(), default=str)
        leaked = [s for s in secrets if s and s in text]
        if leaked:
            masked = text
            for secret in leaked:
                masked = masked.replace(secret, "***")
            failures.append(
                Failure(
                    "no_secret_in_journal",
                    1,
                    "no secret in the journal",
                    f"{len(leaked)} secret(s) in entry {entry.seq}",
                    f"a {entry.kind} entry of {entry.system} holds a secret",
                    (json.loads(masked),),
                )
            )
    return failures


__all__ = [
    "Failure",
    "builtin_checks",
    "expectations",
    "forged_webhooks_refused",
    "messages_match_contracts",
    "no_duplicate_records",
    "no_secret_in_journal",
    "ownership_respected",
    "retry_after_respected",
]

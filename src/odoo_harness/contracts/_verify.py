"""``verify``: schemathesis's own engine run against a base URL, with the project's exits.

We run ``st run`` in a child process (all default checks; examples, coverage, fuzzing and,
when the contract has links, stateful phases), relay its progress, and write its JUnit XML
and self-contained HTML report. Header and query-parameter credentials (``--header``,
``--query``) reach the child through its environment, never its argv, and are masked in
everything printed or written. A query credential is sent as the contract's ``apiKey``
security scheme of that name (``in: query``), else as that query parameter. An
operation's ``x-schema-valid-rejections`` statuses are added, for that operation only, to
what ``positive_data_acceptance`` accepts.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.etree import ElementTree

from ..errors import ConfigError
from ..journal import mask_secrets
from ._contract import Contract
from ._rules import schema_valid_rejections

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INTERNAL, EXIT_USAGE, EXIT_EMPTY = 0, 1, 2, 3, 4, 5
PHASES = "examples,coverage,fuzzing,stateful"
MIN_SECRET = 4  # shorter header values are masked by name only (schemathesis's sanitizer)
_ENV_PREFIX = "ODOO_HARNESS_VERIFY_HEADER_"
_QUERY_ENV_PREFIX = "ODOO_HARNESS_VERIFY_QUERY_"


@dataclass(frozen=True)
class VerifyOptions:
    """What ``odoo-harness contracts verify`` was asked to do."""

    contract: Path
    base_url: str
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    max_examples: int | None = None
    seed: int | None = None
    junit: Path | None = None
    html: Path | None = None
    report_dir: Path = Path("reports/contracts")

    @property
    def stem(self) -> str:
        return self.contract.name.split(".")[0] or "contract"

    @property
    def junit_path(self) -> Path:
        return self.junit or self.report_dir / f"{self.stem}.junit.xml"

    @property
    def html_path(self) -> Path:
        return self.html or self.report_dir / f"{self.stem}.html"


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` -> (name, value); ConfigError naming the header, never its value."""
    name, sep, value = text.partition(":")
    name = name.strip()
    if not sep or not name or any(c.isspace() for c in name):
        shown = name if sep else "<no colon>"
        raise ConfigError(f"--header must be 'Name: value' (got a header named {shown!r})")
    return name, value.strip()


def parse_query(text: str) -> tuple[str, str]:
    """``'name=value'`` -> (name, value); ConfigError naming the parameter, never its value."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name or any(c.isspace() or c in "&?#" for c in name):
        shown = name if sep else "<no '='>"
        raise ConfigError(f"--query must be 'name=value' (got a parameter named {shown!r})")
    if not value:
        raise ConfigError(f"--query {name}=: the value is empty")
    return name, value


def public_url(url: str) -> str:
    """The URL without user:password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def verify(options: VerifyOptions, echo: Callable[[str], None] = print) -> int:
    """Run schemathesis against ``options.base_url``; pytest's exit codes."""
    contract = Contract.load(options.contract)  # ContractError: the CLI says file and line
    if not contract.operations:
        echo(f"{options.contract}: no operations to verify")
        return EXIT_EMPTY
    _check_reachable(options.base_url)
    for stale in (options.junit_path, options.html_path):
        stale.unlink(missing_ok=True)
    secrets = [v for _, v in (*options.headers, *options.query) if len(v) >= MIN_SECRET]
    mask = _masker(secrets)
    echo(
        f"verifying {options.contract} ({len(contract.operations)} operations) "
        f"against {public_url(options.base_url)}"
    )
    with tempfile.TemporaryDirectory(prefix="odoo-harness-verify-") as tmp:
        config, env = _config(
            Path(tmp),
            options.headers,
            _rejections(contract),
            query=options.query,
            schemes=_query_schemes(contract),
        )
        html_dir = Path(tmp) / "html"
        options.junit_path.parent.mkdir(parents=True, exist_ok=True)
        command = _command(options, config, html_dir)
        shown = str(html_dir / "index.html")  # schemathesis names its temporary copy

        def relay(line: str) -> None:
            echo(mask(line).replace(shown, str(options.html_path)))

        code = _run(command, env, relay)
        _publish(html_dir / "index.html", options.html_path, mask)
    _mask_file(options.junit_path, mask)
    echo(_summary(options))
    return _exit_code(code)


def _check_reachable(base_url: str) -> None:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"--base-url must be an http(s) URL (got {public_url(base_url)!r})")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=5).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ConfigError(f"cannot reach {public_url(base_url)}: {reason}") from None


def _rejections(contract: Contract) -> dict[str, list[int]]:
    """Operation label (``POST /path/{id}``) -> its ``x-schema-valid-rejections``."""
    return {op.label: statuses for op, statuses in schema_valid_rejections(contract.data)}


def _query_schemes(contract: Contract) -> dict[str, str]:
    """Query parameter name -> the contract's ``apiKey`` security scheme sent there."""
    components = contract.data.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if not isinstance(schemes, dict):
        return {}
    return {
        scheme["name"]: key
        for key, scheme in schemes.items()
        if isinstance(scheme, dict)
        and scheme.get("type") == "apiKey"
        and scheme.get("in") == "query"
        and isinstance(scheme.get("name"), str)
    }


def _config(
    tmp: Path,
    headers: Sequence[tuple[str, str]],
    rejections: Mapping[str, Sequence[int]] | None = None,
    *,
    query: Sequence[tuple[str, str]] = (),
    schemes: Mapping[str, str] | None = None,
) -> tuple[Path, dict[str, str]]:
    """A schemathesis.toml naming each header and query value by an environment variable,
    and the child's environment holding them; one ``[[operations]]`` entry per operation
    with ``x-schema-valid-rejections``, widening its ``positive_data_acceptance``. A query
    value whose name is an ``apiKey`` scheme's (``schemes``) is that scheme's key, sent
    where the contract asks for it; any other is a fixed value of that query parameter."""
    env = dict(os.environ)
    lines = ["[headers]"]
    for i, (name, value) in enumerate(headers):
        env[f"{_ENV_PREFIX}{i}"] = value
        lines.append(f'{json.dumps(name)} = "${{{_ENV_PREFIX}{i}}}"')
    auth, parameters = [], []
    for i, (name, value) in enumerate(query):
        env[f"{_QUERY_ENV_PREFIX}{i}"] = value
        reference = f'"${{{_QUERY_ENV_PREFIX}{i}}}"'
        scheme = (schemes or {}).get(name)
        if scheme is not None:
            auth += ["", f"[auth.openapi.{json.dumps(scheme)}]", f"api_key = {reference}"]
        else:
            parameters.append(f"{json.dumps('query.' + name)} = {reference}")
    if parameters:
        lines += ["", "[parameters]", *parameters]
    lines += auth
    keys = [
        *_default_sanitized_keys(),
        *(name.lower() for name, _ in headers),
        *(name.lower() for name, _ in query),
    ]
    lines += ["", "[output.sanitization]", f"keys-to-sanitize = {json.dumps(keys)}"]
    # Leave the user's working directory clean: no .schemathesis/ nor .hypothesis/ there.
    lines += ["", "[cache]", "enabled = false"]
    accepted = _default_accepted_statuses()
    for label, statuses in (rejections or {}).items():
        expected = [*accepted, *(str(s) for s in statuses if str(s) not in accepted)]
        lines += [
            "",
            "[[operations]]",
            f"include-name = {json.dumps(label)}",
            f"checks.positive_data_acceptance.expected-statuses = {json.dumps(expected)}",
        ]
    env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(tmp / "hypothesis")
    path = tmp / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, env


def _default_sanitized_keys() -> list[str]:
    try:
        from schemathesis.config._output import DEFAULT_KEYS_TO_SANITIZE
    except ImportError:  # a later schemathesis moved it: its markers still apply
        return ["authorization", "cookie", "set-cookie", "x-api-key", "token", "secret"]
    return list(DEFAULT_KEYS_TO_SANITIZE)


def _default_accepted_statuses() -> list[str]:
    """What ``positive_data_acceptance`` accepts unless told otherwise."""
    try:
        from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES
    except ImportError:  # a later schemathesis moved it (its 4.x default)
        return ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
    return list(POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES)


def _command(options: VerifyOptions, config: Path, html_dir: Path) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "--no-color",
        "run",
        str(options.contract),
        "--url",
        options.base_url,
        "--phases",
        PHASES,
        "--report",
        "junit,html",
        "--report-junit-path",
        str(options.junit_path),
        "--report-html-path",
        str(html_dir),
        "--generation-database",
        "none",
    ]
    if options.max_examples is not None:
        command += ["--max-examples", str(options.max_examples)]
    if options.seed is not None:
        command += ["--seed", str(options.seed)]
    return command


def _run(command: list[str], env: dict[str, str], relay: Callable[[str], None]) -> int:
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            relay(line.rstrip("\n"))
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        raise


def _exit_code(code: int) -> int:
    if code in (EXIT_OK, EXIT_FAILED):
        return code
    if code == 130 or code < 0:
        return EXIT_INTERRUPTED
    return EXIT_INTERNAL  # schemathesis could not do its job (2) or crashed


def _masker(secrets: list[str]) -> Callable[[str], str]:
    return lambda text: mask_secrets(text, secrets)


def _publish(source: Path, target: Path, mask: Callable[[str], str]) -> None:
    if not source.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    _mask_file(target, mask)


def _mask_file(path: Path, mask: Callable[[str], str]) -> None:
    if path.exists():
        text = path.read_text(encoding="utf-8", errors="replace")
        masked = mask(text)
        if masked != text:
            path.write_text(masked, encoding="utf-8")


def _summary(options: VerifyOptions) -> str:
    lines = [
        f"JUnit: {options.junit_path}" if options.junit_path.exists() else "JUnit: not written",
        f"HTML:  {options.html_path}" if options.html_path.exists() else "HTML:  not written",
    ]
    counts = _junit_counts(options.junit_path)
    if counts:
        tests, failures, errors = counts
        lines.insert(
            0,
            f"{tests} tests: {tests - failures - errors} passed, "
            f"{failures} failed, {errors} errors",
        )
    return "\n".join(lines)


def _junit_counts(path: Path) -> tuple[int, int, int] | None:
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = [sum(int(s.get(k, 0) or 0) for s in suites) for k in ("tests", "failures", "errors")]
    return total[0], total[1], total[2]

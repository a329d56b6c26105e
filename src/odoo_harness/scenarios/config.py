"""Where the systems are, in one place: ``odoo-harness.toml`` or the ``[tool.odoo-harness]``
table of ``pyproject.toml`` (the dedicated file wins), then ``ODOO_HARNESS_*`` environment
variables, then the command line (``--odoo``). Credentials come from the file or the
environment only; every secret read here is returned by ``HarnessConfig.secrets()`` so the
runner masks it in journals and reports. Mistakes read ``file:line: key: why``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..journal import is_secret_key
from ..odoo.profiles import DEFAULT_VERSION, PROFILES
from ..yamlsource import not_utf8

DEDICATED = "odoo-harness.toml"
PYPROJECT = "pyproject.toml"
ENV_PREFIX = "ODOO_HARNESS_"
PROVIDERS = ("shop", "carrier", "crm")
TOP_KEYS = ("odoo_version", "report_dir", "redact", "redact_env", "odoo", "providers")
ODOO_KEYS = ("url", "db", "login", "password", "api_key")
PROVIDER_KEYS = ("url", "credential", "credential_env")
MIN_SECRET = 4  # shorter values would mask ordinary words


class ConfigFileError(ConfigError):
    """A mistake in the configuration file or an ``ODOO_HARNESS_*`` variable."""


@dataclass(frozen=True)
class OdooTarget:
    """The Odoo scenarios run against: embedded (``url`` None) or an external server."""

    url: str | None = None
    db: str | None = None
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)

    @property
    def embedded(self) -> bool:
        return self.url is None

    @property
    def secret(self) -> str | None:
        """What logs in: the API key when there is one, else the password."""
        return self.api_key or self.password


@dataclass(frozen=True)
class ProviderTarget:
    url: str | None = None
    credential: str | None = field(default=None, repr=False)

    @property
    def embedded(self) -> bool:
        return self.url is None


@dataclass(frozen=True)
class HarnessConfig:
    odoo: OdooTarget = OdooTarget()
    providers: Mapping[str, ProviderTarget] = field(default_factory=dict)
    odoo_version: str = DEFAULT_VERSION
    report_dir: str = "reports"
    redact: tuple[str, ...] = field(default=(), repr=False)
    source: Path | None = None

    def provider(self, name: str) -> ProviderTarget:
        return self.providers.get(name, ProviderTarget())

    def secrets(self) -> tuple[str, ...]:
        """Every secret value this configuration holds, longest first (for masking)."""
        values = [self.odoo.password, self.odoo.api_key, *self.redact]
        values += [p.credential for p in self.providers.values()]
        found = {v for v in values if v and len(v) >= MIN_SECRET}
        return tuple(sorted(found, key=len, reverse=True))

    def with_odoo(self, spec: str) -> HarnessConfig:
        """This configuration with ``--odoo embedded|url=URL[,db=DB,login=L]`` applied."""
        parsed = parse_odoo_option(spec)
        if parsed is None:
            return replace(self, odoo=OdooTarget())
        return replace(self, odoo=replace(self.odoo, **parsed))

    def require_external_odoo(self) -> None:
        """Raise when an external Odoo lacks what it needs to log in."""
        odoo = self.odoo
        if odoo.embedded:
            return
        where = f"{self.source}: " if self.source else ""
        for key in ("db", "login"):
            if not getattr(odoo, key):
                raise ConfigFileError(
                    f"{where}odoo.{key}: an external Odoo ({odoo.url}) needs it; set it in "
                    f"[tool.odoo-harness.odoo], {ENV_PREFIX}ODOO_{key.upper()} or --odoo"
                )
        if not odoo.secret:
            raise ConfigFileError(
                f"{where}odoo.password: an external Odoo ({odoo.url}) needs a password or API "
                f"key; set {ENV_PREFIX}ODOO_PASSWORD or {ENV_PREFIX}ODOO_API_KEY"
            )


def parse_odoo_option(spec: str) -> dict[str, str] | None:
    """``embedded`` -> None; ``url=URL[,db=DB,login=L]`` -> their values. No credentials."""
    text = spec.strip()
    if text == "embedded":
        return None
    out: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not value.strip():
            # a bare item is not echoed: it may be a password typed in the wrong place
            shown = f"{key}= has no value" if sep else "an item is not key=value"
            raise ConfigError(f"--odoo: {shown}; write embedded or url=URL[,db=DB,login=L]")
        if key in ("password", "api_key"):
            raise ConfigError(
                f"--odoo: {key}: no credentials on the command line; set "
                f"{ENV_PREFIX}ODOO_{key.upper()} or put it in odoo-harness.toml"
            )
        if key not in ("url", "db", "login"):
            raise ConfigError(f"--odoo: {key}: unknown; expected url, db, login")
        if key in out:
            raise ConfigError(f"--odoo: {key}: given twice")
        out[key] = value.strip()
    if "url" not in out:
        raise ConfigError("--odoo: url: missing; write embedded or url=URL[,db=DB,login=L]")
    out["url"] = _url(out["url"], "--odoo: url")
    return out


def find_config_file(start: Path) -> Path | None:
    """The nearest ``odoo-harness.toml``, or ``pyproject.toml`` with the table, from
    ``start`` upwards (``ODOO_HARNESS_CONFIG`` names a file instead)."""
    named = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigFileError(f"{ENV_PREFIX}CONFIG: {named}: no such file")
        return path
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / DEDICATED).is_file():
            return folder / DEDICATED
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            return pyproject if "[tool.odoo-harness" in _read(pyproject) else None
    return None


def load_config(
    start: Path | None = None, environ: Mapping[str, str] | None = None
) -> HarnessConfig:
    """The configuration seen from ``start`` (the working directory), env applied."""
    environ = os.environ if environ is None else environ
    path = find_config_file(start or Path.cwd())
    table: dict[str, Any] = {}
    text = ""
    if path is not None:
        text = _read(path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigFileError(f"{path}: not valid TOML: {exc}") from None
        table = data if path.name == DEDICATED else data.get("tool", {}).get("odoo-harness", {})
    return _Reader(path, text, table, environ).config()


class _Reader:
    def __init__(
        self, path: Path | None, text: str, table: dict[str, Any], environ: Mapping[str, str]
    ) -> None:
        self.path, self.text, self.table, self.environ = path, text, table, environ
        self.prefix = ("tool", "odoo-harness") if path and path.name == PYPROJECT else ()

    def fail(self, keypath: tuple[str, ...], message: str) -> ConfigFileError:
        line = _line_of(self.text, (*self.prefix, *keypath))
        where = f"{self.path}:{line}" if self.path else "configuration"
        return ConfigFileError(f"{where}: {'.'.join(keypath)}: {message}")

    def config(self) -> HarnessConfig:
        self._known((), self.table, TOP_KEYS)
        version = self._env("ODOO_VERSION") or self._str(("odoo_version",), self.table)
        version = version or DEFAULT_VERSION
        if version not in PROFILES:
            raise self._bad(
                ("odoo_version",), "ODOO_VERSION", f"{version!r} is not one of {sorted(PROFILES)}"
            )
        report = self._env("REPORT_DIR") or self._str(("report_dir",), self.table) or "reports"
        return HarnessConfig(
            odoo=self._odoo(),
            providers={name: self._provider(name) for name in PROVIDERS},
            odoo_version=version,
            report_dir=report,
            redact=self._redact(),
            source=self.path,
        )

    def _odoo(self) -> OdooTarget:
        table = self._table(("odoo",), self.table.get("odoo", {}))
        self._known(("odoo",), table, ODOO_KEYS)
        values = {}
        for key in ODOO_KEYS:
            env = self._env(f"ODOO_{key.upper()}")
            values[key] = env if env is not None else self._str(("odoo", key), table)
        if values["url"]:
            where = f"{ENV_PREFIX}ODOO_URL" if self._env("ODOO_URL") else None
            values["url"] = self._checked_url(("odoo", "url"), values["url"], where)
        return OdooTarget(**values)

    def _provider(self, name: str) -> ProviderTarget:
        providers = self._table(("providers",), self.table.get("providers", {}))
        self._known(("providers",), providers, PROVIDERS)
        table = self._table(("providers", name), providers.get(name, {}))
        self._known(("providers", name), table, PROVIDER_KEYS)
        upper = name.upper()
        url = self._env(f"{upper}_URL") or self._str(("providers", name, "url"), table)
        if url:
            env = f"{ENV_PREFIX}{upper}_URL" if self._env(f"{upper}_URL") else None
            url = self._checked_url(("providers", name, "url"), url, env)
        credential_env = self._str(("providers", name, "credential_env"), table)
        credential = self._env(f"{upper}_CREDENTIAL")
        if credential is None and credential_env:
            credential = self.environ.get(credential_env)
        if credential is None:
            credential = self._str(("providers", name, "credential"), table)
        return ProviderTarget(url=url, credential=credential)

    def _redact(self) -> tuple[str, ...]:
        values = []
        for key in ("redact", "redact_env"):
            items = self.table.get(key, [])
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise self.fail((key,), "expected a list of strings")
            if key == "redact":
                values += items
            else:
                values += [self.environ[name] for name in items if self.environ.get(name)]
        return tuple(values)

    def _env(self, name: str) -> str | None:
        value = self.environ.get(ENV_PREFIX + name)
        return value if value else None

    def _bad(self, keypath: tuple[str, ...], env: str, message: str) -> ConfigFileError:
        if self._env(env) is not None:
            return ConfigFileError(f"{ENV_PREFIX}{env}: {message}")
        return self.fail(keypath, message)

    def _checked_url(self, keypath: tuple[str, ...], url: str, env: str | None) -> str:
        try:
            return _url(url, env or ".".join(keypath))
        except ConfigError as exc:
            if env:
                raise
            raise self.fail(keypath, str(exc).split(": ", 1)[1]) from None

    def _known(self, keypath: tuple[str, ...], table: dict[str, Any], allowed: tuple[str, ...]):
        for key in table:
            if key not in allowed:
                raise self.fail(
                    (*keypath, key), f"unknown key; expected one of: {', '.join(allowed)}"
                )

    def _table(self, keypath: tuple[str, ...], value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(keypath, "expected a table")
        return value

    def _str(self, keypath: tuple[str, ...], table: dict[str, Any]) -> str | None:
        value = table.get(keypath[-1])
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            shown = "a value of another type" if is_secret_key(keypath[-1]) else repr(value)
            raise self.fail(keypath, f"expected a non-empty string, got {shown}")
        return value


_URL = re.compile(r"^https?://(?P<userinfo>[^/@]*@)?[^/\s:@]+(:\d{1,5})?(/\S*)?$")


def _url(value: str, where: str) -> str:
    if "@" in value:  # user:password@ (even a malformed one): refused, never echoed
        raise ConfigError(
            f"{where}: no credentials in the URL; set {ENV_PREFIX}ODOO_PASSWORD instead"
        )
    if not _URL.match(value):
        raise ConfigError(f"{where}: {value!r} is not an http(s) URL like http://127.0.0.1:8069")
    return value.rstrip("/")


def _line_of(text: str, keypath: tuple[str, ...]) -> int:
    """The line of ``keypath`` in TOML text (tomllib keeps no positions): the key after
    its table's header, else a dotted key, else the table header, else line 1."""
    lines = text.splitlines()
    for depth in range(len(keypath), 0, -1):
        *tables, key = keypath[:depth]
        header = re.compile(r"^\s*\[+\s*" + r"\s*\.\s*".join(map(re.escape, tables)) + r"\s*\]+")
        start = 0
        if tables:
            found = [i for i, line in enumerate(lines) if header.match(line)]
            if not found:
                continue
            start = found[0] + 1
        key_re = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*[=.]")
        for i in range(start, len(lines)):
            if i > start and tables and lines[i].lstrip().startswith("["):
                break
            if not tables and lines[i].lstrip().startswith("["):
                break
            if key_re.match(lines[i]):
                return i + 1
        table_header = re.compile(
            r"^\s*\[+\s*" + r"\s*\.\s*".join(map(re.escape, keypath[:depth])) + r"\s*\]+"
        )
        for i, line in enumerate(lines):
            if table_header.match(line):
                return i + 1
    return 1


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigFileError(not_utf8(path, exc)) from None


__all__ = [
    "ConfigFileError",
    "HarnessConfig",
    "OdooTarget",
    "ProviderTarget",
    "find_config_file",
    "load_config",
    "parse_odoo_option",
]

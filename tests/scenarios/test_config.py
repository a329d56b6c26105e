"""Configuration: odoo-harness.toml over [tool.odoo-harness], env over both, --odoo over all;
mistakes name the file, line and key; credentials never from a command line."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoo_harness.errors import ConfigError
from odoo_harness.scenarios.config import (
    HarnessConfig,
    OdooTarget,
    find_config_file,
    load_config,
    parse_odoo_option,
)

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = """\
[project]
name = "shop-integration"

[tool.odoo-harness]
odoo_version = "17.0"
report_dir = "out/reports"

[tool.odoo-harness.odoo]
url = "http://127.0.0.1:8069"
db = "staging"
login = "integration"
"""


@pytest.fixture(autouse=True)
def _no_named_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ODOO_HARNESS_CONFIG", raising=False)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_nothing_configured_means_embedded_defaults(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    config = load_config(tmp_path, environ={})
    assert config.odoo.embedded and config.odoo_version == "18.0"
    assert config.report_dir == "reports" and config.secrets() == ()
    assert all(config.provider(name).embedded for name in ("shop", "carrier", "crm"))


def test_the_pyproject_table_is_read_from_a_subfolder(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", PYPROJECT)
    (tmp_path / "scenarios" / "shop").mkdir(parents=True)
    config = load_config(tmp_path / "scenarios" / "shop", environ={})
    assert config.odoo == OdooTarget("http://127.0.0.1:8069", "staging", "integration")
    assert (config.odoo_version, config.report_dir) == ("17.0", "out/reports")
    assert config.source == tmp_path / "pyproject.toml"


def test_the_dedicated_file_wins_over_the_pyproject_table(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", PYPROJECT)
    write(tmp_path, "odoo-harness.toml", 'odoo_version = "19.0"\n')
    config = load_config(tmp_path, environ={})
    assert config.odoo_version == "19.0"
    assert config.odoo.embedded  # the pyproject table is not merged in
    assert find_config_file(tmp_path) == tmp_path / "odoo-harness.toml"


def test_environment_overrides_the_file_and_secrets_are_collected(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", PYPROJECT)
    write(
        tmp_path,
        "odoo-harness.toml",
        'redact_env = ["SHOP_TOKEN"]\nredact = ["literal-secret"]\n'
        '[odoo]\nurl = "http://127.0.0.1:8069"\ndb = "staging"\nlogin = "integration"\n'
        '[providers.crm]\ncredential_env = "MY_CRM_TOKEN"\n',
    )
    environ = {
        "ODOO_HARNESS_ODOO_DB": "prod",
        "ODOO_HARNESS_ODOO_PASSWORD": "odoo-pass-123",
        "ODOO_HARNESS_SHOP_URL": "http://127.0.0.1:9001",
        "MY_CRM_TOKEN": "crm-token-456",
        "SHOP_TOKEN": "shop-token-789",
    }
    config = load_config(tmp_path, environ=environ)
    assert (config.odoo.db, config.odoo.login) == ("prod", "integration")
    assert config.odoo.secret == "odoo-pass-123"
    assert config.provider("shop").url == "http://127.0.0.1:9001"
    assert config.provider("crm").credential == "crm-token-456"
    assert set(config.secrets()) == {
        "odoo-pass-123",
        "crm-token-456",
        "shop-token-789",
        "literal-secret",
    }
    assert "odoo-pass-123" not in repr(config)


def test_the_command_line_overrides_url_db_login_but_keeps_the_password(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", PYPROJECT)
    config = load_config(tmp_path, environ={"ODOO_HARNESS_ODOO_API_KEY": "key-abcdef"})
    external = config.with_odoo("url=http://localhost:9069/,db=other")
    odoo = external.odoo
    assert (odoo.url, odoo.db, odoo.login) == ("http://localhost:9069", "other", "integration")
    assert external.odoo.secret == "key-abcdef"
    assert config.with_odoo("embedded").odoo.embedded


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[tool.odoo-harness]\nodoo_version = "12.0"\n', 2, "odoo_version: '12.0' is not one of"),
        ("[tool.odoo-harness]\n\nreport = 'x'\n", 3, "report: unknown key; expected one of"),
        (
            '[tool.odoo-harness.odoo]\ndb = "x"\nurl = "ftp://odoo"\n',
            3,
            "odoo.url: 'ftp://odoo' is not an http(s) URL",
        ),
        (
            '[tool.odoo-harness.odoo]\nurl = "http://admin:pw@odoo.test"\n',
            2,
            "odoo.url: no credentials in the URL",
        ),
        ("[tool.odoo-harness.providers.erp]\nurl = 'http://x'\n", 1, "providers.erp: unknown key"),
        ("[tool.odoo-harness]\nredact = 'one'\n", 2, "redact: expected a list of strings"),
        ("[tool.odoo-harness.odoo]\nlogin = 7\n", 2, "odoo.login: expected a non-empty string"),
    ],
)
def test_mistakes_name_file_line_and_key(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, "pyproject.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, environ={})
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert message in str(info.value)


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\n")
    with pytest.raises(ConfigError, match=r"^ODOO_HARNESS_ODOO_URL: 'odoo\.test' is not"):
        load_config(tmp_path, environ={"ODOO_HARNESS_ODOO_URL": "odoo.test"})
    with pytest.raises(ConfigError, match=r"^ODOO_HARNESS_ODOO_VERSION: '16.0' is not one of"):
        load_config(tmp_path, environ={"ODOO_HARNESS_ODOO_VERSION": "16.0"})


def test_invalid_toml_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "odoo-harness.toml", "odoo_version = \n")
    with pytest.raises(ConfigError, match=f"^{path}: not valid TOML"):
        load_config(tmp_path, environ={})


def test_an_external_odoo_without_credentials_says_which_variable_to_set() -> None:
    config = HarnessConfig(odoo=OdooTarget("http://127.0.0.1:8069", "db", "integration"))
    with pytest.raises(ConfigError, match="ODOO_HARNESS_ODOO_PASSWORD or ODOO_HARNESS_ODOO_API"):
        config.require_external_odoo()
    with pytest.raises(ConfigError, match="odoo.db: an external Odoo"):
        HarnessConfig(odoo=OdooTarget("http://127.0.0.1:8069")).require_external_odoo()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("url=http://x,password=hunter22", "password: no credentials on the command line"),
        ("url=http://x,api_key=abc", "api_key: no credentials on the command line"),
        ("db=x", "url: missing"),
        ("url=http://x,db=a,db=b", "db: given twice"),
        ("url=http://x,port=1", "port: unknown"),
        ("http://x", "is not key=value"),
        ("hunter22", "an item is not key=value"),  # a password in the wrong place
        ("url=http://x,hunter22", "an item is not key=value"),
        ("url=", "url= has no value"),
        ("url=localhost:8069", "is not an http(s) URL"),
        ("url=http://admin:hunter22@127.0.0.1:99999999", "no credentials in the URL"),
        ("url=http://admin:hun/ter22@127.0.0.1:8069", "no credentials in the URL"),
        ("url=admin:hunter22@127.0.0.1", "no credentials in the URL"),
    ],
)
def test_bad_odoo_options(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match="^--odoo: ") as info:
        parse_odoo_option(spec)
    assert message in str(info.value)
    assert "hunter22" not in str(info.value) and "ter22" not in str(info.value)


def test_a_password_of_the_wrong_type_is_not_echoed(tmp_path: Path) -> None:
    write(
        tmp_path,
        "odoo-harness.toml",
        '[odoo]\nurl = "http://127.0.0.1:8069"\npassword = 12345678\n',
    )
    with pytest.raises(ConfigError, match="expected a non-empty string") as info:
        load_config(tmp_path, environ={})
    assert "12345678" not in str(info.value)


names = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=12)


@given(
    host=st.sampled_from(["127.0.0.1", "localhost", "odoo.example.com"]),
    port=st.integers(1, 65535),
    db=names,
    login=names,
    order=st.permutations(["url", "db", "login"]),
)
def test_odoo_option_round_trips_in_any_order(
    host: str, port: int, db: str, login: str, order: list[str]
) -> None:
    values = {"url": f"http://{host}:{port}", "db": db, "login": login}
    spec = ",".join(f"{key}={values[key]}" for key in order)
    assert parse_odoo_option(spec) == values


def test_the_configured_odoo_version_is_the_default_of_scenarios(
    pytester: pytest.Pytester,
) -> None:
    scenario = ROOT / "scenarios" / "crm_contacts" / "odoo_change_exported.scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    assert "odoo_version" not in text
    pytester.makefile(".scenario.yaml", plain=text, pinned='odoo_version: "18.0"\n' + text)
    pytester.makefile(".toml", **{"odoo-harness": 'odoo_version = "17.0"\nreport_dir = "out"\n'})
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    summary = json.loads((pytester.path / "out" / "summary.json").read_text(encoding="utf-8"))
    versions = {s["name"]: s["odoo_version"] for s in summary["scenarios"]}
    assert versions == {"plain": "17.0", "pinned": "18.0"}


@given(
    keys=st.permutations(["url", "db", "login", "password"]),
    position=st.integers(0, 4),
    blank_lines=st.integers(0, 3),
    dedicated=st.booleans(),
)
def test_the_line_of_an_unknown_key_is_found_wherever_it_sits(
    tmp_path_factory: pytest.TempPathFactory,
    keys: list[str],
    position: int,
    blank_lines: int,
    dedicated: bool,
) -> None:
    values = {"url": '"http://127.0.0.1:8069"', "db": '"x"', "login": '"y"', "password": '"pw"'}
    lines = [f"{key} = {values[key]}" for key in keys]
    lines.insert(position, 'dbname = "typo"')
    header = ["[odoo]"] if dedicated else ["[project]", "name = 'x'", "[tool.odoo-harness.odoo]"]
    # a key of the same name in another table must not be taken for it
    text = "\n".join(["[other]", 'dbname = "decoy"', *[""] * blank_lines, *header, *lines])
    folder = tmp_path_factory.mktemp("cfg")
    if dedicated:
        text = text.replace("[other]", "[providers.crm]").replace('dbname = "decoy"', "")
    path = write(folder, "odoo-harness.toml" if dedicated else "pyproject.toml", text + "\n")
    expected = text.splitlines().index('dbname = "typo"') + 1
    with pytest.raises(ConfigError) as info:
        load_config(folder, environ={})
    assert str(info.value).startswith(f"{path}:{expected}: odoo.dbname: unknown key")


def test_a_config_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "odoo-harness.toml").write_bytes(b'report_dir = "out"\nname = "caf\xe9"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, environ={})
    assert str(info.value) == f"{tmp_path / 'odoo-harness.toml'}:2: not UTF-8 text (byte 0xe9)"

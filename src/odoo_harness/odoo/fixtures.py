"""Scenario data for the sandbox, from YAML files, loaded on top of the master data.

    records:
      - model: res.partner
        id: demo.acme                 # optional external id (module.name)
        values:
          name: Acme
          is_company: true
          country_id: {ref: base.be}  # any external id, master data's or this file's
          category_id: [{ref: demo.vip}]

Records are created in file order, as the superuser, so the same file gives the same ids
on every run. A mistake is reported with the file, line and key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..yamlsource import not_utf8, not_yaml
from .exceptions import OdooError
from .orm import fields as F
from .orm.registry import Environment


class FixtureError(ConfigError):
    """A fixture file that cannot be loaded; the message names the file, line and key."""


def load_fixture_file(env: Environment, path: str | Path) -> list[tuple[str, int]]:
    """Create the records of one YAML file; returns (model, id) pairs in file order."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read fixture file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise FixtureError(not_utf8(path, exc)) from None
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise FixtureError(not_yaml(path, text, exc)) from None
    if root is None:
        return []
    loader = _Loader(env, path)
    return loader.load(root)


class _Loader:
    def __init__(self, env: Environment, path: Path) -> None:
        self.env = env
        self.path = path

    def fail(self, node: yaml.Node, key: str, message: str) -> FixtureError:
        return FixtureError(f"{self.path}:{node.start_mark.line + 1}: {key}: {message}")

    def load(self, root: yaml.Node) -> list[tuple[str, int]]:
        mapping = self._mapping(root, "(top level)")
        records = mapping.get("records")
        if records is None:
            raise self.fail(root, "records", "a fixture file holds a 'records' list")
        if not isinstance(records[1], yaml.SequenceNode):
            raise self.fail(records[1], "records", "expected a list of records")
        return [self._record(node, i) for i, node in enumerate(records[1].value)]

    def _mapping(self, node: yaml.Node, key: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key, "expected a mapping")
        return {k.value: (k, v) for k, v in node.value}

    def _record(self, node: yaml.Node, index: int) -> tuple[str, int]:
        where = f"records[{index}]"
        mapping = self._mapping(node, where)
        unknown = set(mapping) - {"model", "id", "values"}
        if unknown:
            key = sorted(unknown)[0]
            raise self.fail(
                mapping[key][0],
                f"{where}.{key}",
                "unknown key; a record has 'model', 'id' and 'values'",
            )
        if "model" not in mapping:
            raise self.fail(node, f"{where}.model", "missing: which Odoo model (e.g. res.partner)")
        model_name = mapping["model"][1].value
        if model_name not in self.env.registry:
            raise self.fail(mapping["model"][1], f"{where}.model", f"unknown model {model_name!r}")
        model = self.env[model_name]
        xmlid = mapping["id"][1].value if "id" in mapping else None
        if xmlid is not None and (
            not isinstance(xmlid, str) or xmlid.count(".") != 1 or " " in xmlid
        ):
            raise self.fail(
                mapping["id"][1],
                f"{where}.id",
                f"an external id is 'module.name' without spaces, got {xmlid!r}",
            )
        values_node = mapping["values"][1] if "values" in mapping else None
        vals = self._values(model, values_node, where) if values_node is not None else {}
        try:
            with self.env.savepoint():
                record = model.create(vals)
        except (OdooError, ValueError, TypeError) as exc:
            raise self.fail(node, where, f"Odoo refused the record: {exc}") from None
        if xmlid:
            module, _, name = xmlid.partition(".")
            self.env["ir.model.data"].create(
                {"module": module, "name": name, "model": model_name, "res_id": record.id}
            )
        return model_name, record.id

    def _values(self, model: Any, node: yaml.Node, where: str) -> dict[str, Any]:
        vals: dict[str, Any] = {}
        for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else []:
            name = key_node.value
            field = model._fields.get(name)
            if field is None:
                raise self.fail(
                    key_node, f"{where}.values.{name}", f"{model._name} has no field {name!r}"
                )
            value = self._resolve(
                yaml.safe_load(yaml.serialize(value_node)), value_node, f"{where}.values.{name}"
            )
            if isinstance(field, F.Many2many) and isinstance(value, list):
                value = [(6, 0, value)]
            vals[name] = value
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{where}.values", "expected a mapping of field: value")
        return vals

    def _resolve(self, value: Any, node: yaml.Node, key: str) -> Any:
        if isinstance(value, dict) and set(value) == {"ref"}:
            record = self.env.ref(str(value["ref"]), raise_if_not_found=False)
            if record is None:
                raise self.fail(node, key, f"no record has the external id {value['ref']!r}")
            return record.id
        if isinstance(value, list):
            return [self._resolve(v, node, key) for v in value]
        return value

"""Field types of the sandbox ORM, with Odoo's conversions and ``fields_get`` descriptions.

A field converts three ways: a value written by a client -> the SQLite column
(``to_column``), a column -> what ``read`` returns (``to_read``), and itself -> its
``fields_get`` description. Validation errors carry Odoo's own messages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import BaseModel

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()

Selection = Sequence[tuple[str, str]] | Callable[["BaseModel"], Sequence[tuple[str, str]]]


class Field:
    """A model field. ``versions`` limits it to some profiles (e.g. ``("17.0",)``)."""

    type: str = ""
    column_type: str | None = "TEXT"
    relational = False
    sortable_default = True

    def __init__(
        self,
        string: str | dict[str | None, str] | None = None,
        *,
        required: bool | tuple[str, ...] = False,
        readonly: bool = False,
        store: bool | None = None,
        default: Any = NO_DEFAULT,
        compute: str | None = None,
        related: str | None = None,
        search: str | None = None,
        help: str | None = None,
        index: bool = False,
        copy: bool | None = None,
        versions: Sequence[str] | None = None,
        groups: str | None = None,
        **extra: Any,
    ) -> None:
        self.string = string
        self.required = required
        self.readonly = readonly or bool(compute and not extra.get("inverse"))
        self.store = store if store is not None else not (compute or related)
        self.default = default
        self.compute = compute
        self.related = related
        self.search = search
        self.help = help
        self.index = index
        self.copy = copy if copy is not None else True
        self.versions = tuple(versions) if versions else None
        self.groups = groups
        self.extra = extra
        self.name = ""
        self.model_name = ""

    # -- set up ------------------------------------------------------------------------
    def setup(self, name: str, model_name: str, version: str = "") -> None:
        """Bind to a model; ``string`` given as ``{version: label, None: default}`` and
        ``required`` given as a tuple of versions resolve for ``version`` here."""
        self.name = name
        self.model_name = model_name
        if isinstance(self.string, dict):
            self.string = self.string.get(version, self.string.get(None))
        if isinstance(self.required, tuple):
            self.required = version in self.required
        if self.string is None:
            self.string = _default_string(name)

    @property
    def column(self) -> str | None:
        """The SQL column, or None when the field is not stored in the model's table."""
        return self.name if self.store and self.column_type else None

    @property
    def searchable(self) -> bool:
        return bool(self.store or self.search or self.related)

    @property
    def sortable(self) -> bool:
        return bool(self.store and self.column_type and self.sortable_default)

    # -- conversions -------------------------------------------------------------------
    def to_column(self, value: Any, record: BaseModel) -> Any:
        """A client value -> the SQLite value. Raises Odoo's errors for bad values."""
        if value is None or value is False:
            return None
        return value

    def to_read(self, value: Any) -> Any:
        """A SQLite value -> what ``read`` returns."""
        return False if value is None else value

    def default_value(self, model: BaseModel) -> Any:
        default = self.default
        if default is NO_DEFAULT:
            return None
        return default(model) if callable(default) else default

    # -- description -------------------------------------------------------------------
    #: Odoo's ``group_operator`` (17) / ``aggregator`` (18+): numbers sum, others none.
    aggregator: str | None = None

    def describe(self, model: BaseModel) -> dict[str, Any]:
        """``fields_get`` of this field, as Odoo's ``Field.get_description``: every
        ``_description_*`` attribute whose value is not None (so ``help``, ``related`` and
        ``groups`` only when set); 17 has ``group_operator`` and no ``groupable``, 18+ have
        ``groupable`` and ``aggregator``."""
        major = model.env.profile.major
        desc: dict[str, Any] = {
            "type": self.type,
            "string": self.string,
            "required": self.required,
            "readonly": self.readonly,
            "store": bool(self.store),
            # display_name is searched through _search_display_name (17+)
            "searchable": self.searchable or self.name == "display_name",
            "sortable": self.sortable,
            "manual": False,
            "depends": list(self.extra.get("depends", ())),
            "company_dependent": bool(self.extra.get("company_dependent", False)),
            "change_default": bool(self.extra.get("change_default", False)),
            "default_export_compatible": bool(self.extra.get("default_export_compatible", False)),
            "exportable": bool(self.extra.get("exportable", True)),
            "name": self.name,
        }
        if self.help:
            desc["help"] = self.help
        if self.related:
            desc["related"] = self.related
        if self.groups:
            desc["groups"] = self.groups
        aggregator = None if self.name == "id" else self.extra.get("aggregator", self.aggregator)
        if major >= 18:
            desc["groupable"] = bool(self.store and self.column_type)
            if aggregator:
                desc["aggregator"] = aggregator
        elif aggregator:
            desc["group_operator"] = aggregator
        return desc


def _default_string(name: str) -> str:
    label = name
    if label.endswith("_ids"):
        label = label[:-4]
    elif label.endswith("_id"):
        label = label[:-3]
    return label.replace("_", " ").title() if label != "id" else "ID"


class Char(Field):
    type = "char"

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        text = value if isinstance(value, str) else str(value)
        size = self.extra.get("size")
        return text[:size] if size else text

    def describe(self, model: BaseModel) -> dict[str, Any]:
        desc = super().describe(model)
        desc["translate"] = bool(self.extra.get("translate", False))
        if self.type == "char":  # Char's own attribute: Text and Html have no trim
            desc["trim"] = self.extra.get("trim", True)
        if self.extra.get("size"):
            desc["size"] = self.extra["size"]
        return desc


class Text(Char):
    type = "text"


class Html(Char):
    type = "html"

    def to_column(self, value: Any, record: BaseModel) -> Any:
        text = super().to_column(value, record)
        if text and not _TAG_RE.search(text):
            # Odoo's sanitizer turns plain text into a paragraph
            text = "<p>" + html.escape(text, quote=False).replace("\n", "<br>") + "</p>"
        return text


_TAG_RE = re.compile(r"<[a-zA-Z/!][^>]*>")


class Integer(Field):
    type = "integer"
    column_type = "INTEGER"
    aggregator = "sum"

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return 0 if self.store else None
        return int(value)

    def to_read(self, value: Any) -> Any:
        return value or 0


class Float(Field):
    type = "float"
    column_type = "REAL"
    aggregator = "sum"

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return 0.0
        number = float(value)
        digits = self.extra.get("digits")
        if isinstance(digits, tuple):
            number = round(number, digits[1])
        return number

    def to_read(self, value: Any) -> Any:
        return float(value or 0.0)

    def describe(self, model: BaseModel) -> dict[str, Any]:
        desc = super().describe(model)
        digits = self.extra.get("digits")
        if isinstance(digits, tuple):  # a named precision would be (16, <decimal places>)
            desc["digits"] = list(digits)
        return desc


class Monetary(Float):
    type = "monetary"

    def describe(self, model: BaseModel) -> dict[str, Any]:
        desc = super().describe(model)
        desc["currency_field"] = self.extra.get("currency_field", "currency_id")
        return desc


class Boolean(Field):
    type = "boolean"
    column_type = "INTEGER"

    def to_column(self, value: Any, record: BaseModel) -> Any:
        return 1 if value else 0

    def to_read(self, value: Any) -> Any:
        return bool(value)


class Date(Field):
    type = "date"

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if not value:
            return None
        return to_date(value).strftime(DATE_FORMAT)


class Datetime(Field):
    type = "datetime"

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if not value:
            return None
        return to_datetime(value).strftime(DATETIME_FORMAT)


def to_date(value: Any) -> date:
    """Odoo's Date.to_date: datetimes are truncated, strings parsed from their first 10 chars."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.strptime(str(value)[:10], DATE_FORMAT).date()


def to_datetime(value: Any) -> datetime:
    """Odoo's Datetime.to_datetime: a date string means midnight."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value)[:19]
    if len(text) == 10:
        text += " 00:00:00"
    return datetime.strptime(text, DATETIME_FORMAT)


class SelectionField(Field):
    type = "selection"

    def __init__(self, selection: Selection, string: str | None = None, **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self.selection = selection

    def options(self, model: BaseModel) -> list[tuple[str, str]]:
        sel = self.selection
        return list(sel(model) if callable(sel) else sel)

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if value not in {key for key, _label in self.options(record)}:
            raise ValueError(f"Wrong value for {self.model_name}.{self.name}: {value!r}")
        return value

    def describe(self, model: BaseModel) -> dict[str, Any]:
        desc = super().describe(model)
        desc["selection"] = [list(option) for option in self.options(model)]
        return desc


class Binary(Field):
    type = "binary"
    sortable_default = False

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if not value:
            return None
        if isinstance(value, bytes):
            return value.decode("ascii")
        return str(value)

    def describe(self, model: BaseModel) -> dict[str, Any]:
        desc = super().describe(model)
        desc["attachment"] = bool(self.extra.get("attachment", True))
        return desc


class Many2one(Field):
    type = "many2one"
    column_type = "INTEGER"
    relational = True

    def __init__(self, comodel_name: str, string: str | None = None, **kwargs: Any) -> None:
        self.ondelete = kwargs.pop("ondelete", "set null")
        super().__init__(string, **kwargs)
        self.comodel_name = comodel_name

    def to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
            if value is None:
                return None
        if isinstance(value, bool) or not isinstance(value, int):
            return int(value)
        return value

    def to_read(self, value: Any) -> Any:
        return value or False

    def describe(self, model: BaseModel) -> dict[str, Any]:
        desc = super().describe(model)
        desc.update(
            relation=self.comodel_name,
            domain=self.extra.get("domain", []),
            context=self.extra.get("context", {}),
        )
        return desc


class One2many(Field):
    type = "one2many"
    column_type = None
    relational = True
    sortable_default = False

    def __init__(
        self, comodel_name: str, inverse_name: str, string: str | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("copy", False)
        super().__init__(string, **kwargs)
        self.comodel_name = comodel_name
        self.inverse_name = inverse_name

    @property
    def sortable(self) -> bool:
        return False

    def describe(self, model: BaseModel) -> dict[str, Any]:
        desc = super().describe(model)
        desc.update(
            relation=self.comodel_name,
            relation_field=self.inverse_name,
            domain=self.extra.get("domain", []),
            context=self.extra.get("context", {}),
        )
        return desc


class Many2many(Field):
    type = "many2many"
    column_type = None
    relational = True
    sortable_default = False

    def __init__(
        self,
        comodel_name: str,
        relation: str | None = None,
        column1: str | None = None,
        column2: str | None = None,
        string: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(string, **kwargs)
        self.comodel_name = comodel_name
        self.relation = relation
        self.column1 = column1
        self.column2 = column2

    def setup(self, name: str, model_name: str, version: str = "") -> None:
        super().setup(name, model_name, version)
        if not self.relation:
            tables = sorted([model_name.replace(".", "_"), self.comodel_name.replace(".", "_")])
            self.relation = f"{tables[0]}_{tables[1]}_rel"
        own = model_name.replace(".", "_")
        other = self.comodel_name.replace(".", "_")
        if own == other:
            self.column1 = self.column1 or f"{own}1_id"
            self.column2 = self.column2 or f"{own}2_id"
        self.column1 = self.column1 or f"{own}_id"
        self.column2 = self.column2 or f"{other}_id"

    @property
    def sortable(self) -> bool:
        return False

    def describe(self, model: BaseModel) -> dict[str, Any]:
        desc = super().describe(model)
        desc.update(
            relation=self.comodel_name,
            domain=self.extra.get("domain", []),
            context=self.extra.get("context", {}),
        )
        return desc


__all__ = [
    "Binary",
    "Boolean",
    "Char",
    "Date",
    "Datetime",
    "Field",
    "Float",
    "Html",
    "Integer",
    "Many2many",
    "Many2one",
    "Monetary",
    "One2many",
    "SelectionField",
    "Text",
]

"""The XML-RPC fast paths (``http.xmlrpc``) answer exactly as the stdlib-based code they
replace: same text for every result, same exception for every value that cannot marshal."""

from __future__ import annotations

import xmlrpc.client
from collections import defaultdict
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo_harness.odoo.http import xmlrpc as X


class _Reference(X.OdooMarshaller):
    """``OdooMarshaller`` as it was: the stdlib walk with a dispatch per value."""

    def _Marshaller__dump(self, value: Any, write: Any) -> None:  # noqa: N802
        handler = self.dispatch.get(type(value))
        if handler is None:
            value, handler = self._coerce(value)
        handler(self, value, write)


def reference_dumps(result: Any) -> str:
    return X._HEAD + _Reference().dumps((result,)) + X._TAIL


def outcome(func: Any, value: Any) -> Any:
    try:
        return ("ok", func(value))
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return ("error", type(exc), str(exc))


class Colour(IntEnum):
    RED = 1


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
scalars = (
    text
    | st.integers(min_value=-(2**33), max_value=2**33)
    | st.booleans()
    | st.floats(allow_nan=False)
    | st.none()
    | st.just(b"bytes & <stuff>")
    | st.just(datetime(2024, 5, 1, 12, 30, 5))
    | st.just(date(2024, 5, 1))
    | st.just(Colour.RED)
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(text | st.integers(0, 3), children, max_size=4)
        | st.dictionaries(text, children, max_size=3).map(lambda d: defaultdict(list, d))
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_dumps_result_matches_the_stdlib_walk(value: Any) -> None:
    assert outcome(X.dumps_result, value) == outcome(reference_dumps, value)


def test_recursive_values_fail_as_before() -> None:
    looping: list[Any] = [1]
    looping.append(looping)
    nested: dict[str, Any] = {}
    nested["me"] = [nested]
    for value in (looping, nested, [2**40], {"a": object()}):
        assert outcome(X.dumps_result, value) == outcome(reference_dumps, value)


# -- requests -----------------------------------------------------------------------------

request_values = st.recursive(
    text
    | st.integers(min_value=-(2**31), max_value=2**31 - 1)
    | st.booleans()
    | st.floats()
    | st.none()
    | st.just(xmlrpc.client.Binary(b"\x00bin"))
    | st.just(datetime(2024, 5, 1, 12, 30, 5)),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
)


def stdlib_loads(body: bytes, use_datetime: bool) -> Any:
    return xmlrpc.client.loads(body, use_datetime=use_datetime)


def same_outcome(body: bytes, use_datetime: bool) -> None:
    fast = outcome(lambda b: X.loads_request(b, use_datetime), body)
    slow = outcome(lambda b: stdlib_loads(b, use_datetime), body)
    assert canonical(fast) == canonical(slow)


def canonical(value: Any) -> Any:
    """Comparable: types kept, NaN and the stdlib wrappers made equal to themselves."""
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, xmlrpc.client.Binary):
        return ("Binary", value.data)
    if isinstance(value, xmlrpc.client.DateTime):
        return ("DateTime", value.value)
    if isinstance(value, dict):
        return ("dict", [(canonical(k), canonical(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [canonical(v) for v in value])
    return (type(value).__name__, value)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(request_values, max_size=4), st.sampled_from(["execute_kw", "x&y<z>"]), st.booleans()
)
def test_loads_request_matches_the_stdlib(params: list[Any], method: str, use_dt: bool) -> None:
    body = xmlrpc.client.dumps(tuple(params), method, allow_none=True).encode()
    same_outcome(body, use_dt)


ODD_REQUESTS = [
    b"<methodCall><methodName>m</methodName></methodCall>",
    b"<methodCall><methodName/><params/></methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value>plain</value></param>"
    b"<param><value/></param><param><value> <int> 7 </int> </value></param></params>"
    b"</methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value><i8>1_0</i8></value>"
    b"</param><param><value><boolean>2</boolean></value></param></params></methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value><int></int></value>"
    b"</param></params></methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value><foo>1</foo></value>"
    b"</param></params></methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value><int>1</int><int>2</int>"
    b"</value></param></params></methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value><array><value><int>1</int>"
    b"</value></array></value></param></params></methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value><struct><member>"
    b"<value><int>1</int></value><name>k</name></member></struct></value></param></params>"
    b"</methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value><struct><member>"
    b"<name>k</name><value>1</value></member><member><name>k</name><value>2</value>"
    b"</member></struct></value></param></params></methodCall>",
    b"<methodCall xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'>"
    b"<methodName>m</methodName><params><param><value><ex:nil/></value></param></params>"
    b"</methodCall>",
    b"<?xml version='1.0' encoding='iso-8859-1'?><methodCall><methodName>m</methodName>"
    b"<params><param><value><string>caf\xe9</string></value></param></params></methodCall>",
    b"<!DOCTYPE x [<!ENTITY e 'ent'>]><methodCall><methodName>&e;</methodName></methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value><string>a<![CDATA[<b>]]>"
    b"c</string></value></param></params></methodCall>",
    b"<methodCall><methodName>m</methodName><params><param><value><string>a<!-- c -->b"
    b"</string></value></param></params></methodCall>",
    b"<methodResponse><params><param><value>1</value></param></params></methodResponse>",
    b"<methodCall><methodName>m</methodName><params><param><value><double>nan</double>"
    b"</value></param></params></methodCall>",
    b"<methodCall><methodName>m</methodName><params>",
    b"not xml",
    b"",
]


def test_odd_requests_read_as_the_stdlib_reads_them() -> None:
    for body in ODD_REQUESTS:
        for use_dt in (False, True):
            same_outcome(body, use_dt)


class Text(str):
    """A str subclass (as Markup is): marshalled through the stdlib's handlers."""


def test_struct_shortcuts_match_the_stdlib_walk() -> None:
    """Many2one pairs and cached member names, including their odd neighbours."""
    pairs = [[7, "Name"], [7, "a\x01<b> & c"], [2**40, "x"], [True, "x"], [7, Text("t&")]]
    values: list[Any] = [{"m": pair, "n": pair} for pair in pairs]
    values += [
        [{"name": 1}, {Text("name"): 2}, {"a&b": 3}, {"a&b": 4}],
        {"k": (1, "tuple")},
        {"k": [1, "x", "three"]},
        {"k": [1.5, "x"]},
        [{"same": [1, "x"]}] * 3,
    ]
    for value in values:
        assert outcome(X.dumps_result, value) == outcome(reference_dumps, value)

"""Contracts: OpenAPI 3.1 files for every HTTP surface, and the tools that enforce them.

``Contract`` loads a file and checks traffic (``validate_exchange`` -> ``Violation`` list);
``lint`` checks a file is OpenAPI 3.1 and follows the project's rules (``Finding`` list);
``verify`` runs schemathesis against a base URL. Importing this package is light: the
validators (jsonschema, openapi-spec-validator, schemathesis) load on first use.
"""

from ._contract import Contract, Operation
from ._document import ContractError, Document, load_document, parse_document
from ._lint import Finding, default_contracts, lint, lint_document
from ._violations import Violation

__all__ = [
    "Contract",
    "ContractError",
    "Document",
    "Finding",
    "Operation",
    "Violation",
    "default_contracts",
    "lint",
    "lint_document",
    "load_document",
    "parse_document",
]

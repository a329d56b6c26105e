"""The sandbox's generic ORM over SQLite: fields, recordsets, domains, registry."""

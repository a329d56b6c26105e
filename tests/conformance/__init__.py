"""Conformance: replay recordings of real Odoo 17.0/18.0/19.0 against the embedded sandbox."""

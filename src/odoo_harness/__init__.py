"""odoo-harness: prove Odoo integrations work as business flows before they ship."""

__version__ = "0.1.0"

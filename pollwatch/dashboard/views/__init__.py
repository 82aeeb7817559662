"""The mission's pages, one module per page: thin views that check the role, call a service
from ``pollwatch.dashboard.services`` and render."""

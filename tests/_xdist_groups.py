"""`--dist loadgroup` for pytest 9.2: tests marked with the same `xdist_group` run on one worker.

pytest-xdist 3.8 tells its scheduler a test's group by appending `@<group>` to `item._nodeid`;
pytest 9.2 keeps the id in a structured `item._id` and no longer reads `_nodeid`, so the groups
are silently dropped and every worker builds a grouped module's expensive fixtures again
(pytest-dev/pytest-xdist#1386, fix proposed in #1388). This does the same on the structured id;
with a pytest that still reads `_nodeid` the id already ends with the group and nothing changes.
"""

from __future__ import annotations

import pytest


def group_for_xdist(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a pytest-xdist worker under --dist loadgroup: each grouped item's id ends with `@<group>`."""
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # a pytest whose ids are strings: pytest-xdist's own suffix works there
        return
    for item in items:
        names = {
            str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")
        }
        suffix = f"@{'_'.join(sorted(names))}"
        if names and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)

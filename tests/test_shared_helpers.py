"""No test module imports from another test module.

What two test modules share lives where a newcomer looks for it: worlds in
``tests/worlds/``, stand-ins for outside systems in ``tests/fakes/``, UI
driving in ``tests/ui/scanner.py`` and ``tests/ui/helpers.py``, fixtures in a
``conftest.py``. A helper imported from ``test_x.py`` is a copy waiting to
drift (33 such imports once made ``test_login.py`` the home of ``wait_store``).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


def test_no_test_module_imports_another() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent)} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for module in _imported_modules(path)
        if module.startswith("tests.") and module.rsplit(".", 1)[-1].startswith("test_")
    ]
    assert offenders == [], "\n".join(offenders)

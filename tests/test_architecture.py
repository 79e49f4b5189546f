"""The import direction of ARCHITECTURE.md, read from the source with `ast`.

Every import counts, those inside functions too: a lazy import is still a dependency.
"""

import ast
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parent.parent / "service"
FEATURES = ("identity", "joining", "stations", "refunds", "notifications")


def _imports(path: Path, root: Path = SERVICE.parent) -> set[str]:
    """The absolute names of the modules `path` (a file below `root`) imports."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((SERVICE / layer).rglob("*.py"))


def _refused(layer: str, refuse) -> list[str]:
    """'module imports name' for every import of `layer` that `refuse(name)` refuses."""
    return [f"{path.relative_to(SERVICE.parent)} imports {name}"
            for path in _modules(layer) for name in sorted(_imports(path)) if refuse(name)]


def _under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _service(*layers: str) -> tuple[str, ...]:
    return tuple(f"service.{layer}" for layer in layers)


def test_the_layers_exist():
    for layer in ("domain", "core", "web", "api", "models", "wechat", *FEATURES):
        assert _modules(layer), f"service/{layer}/ has no modules"


def test_domain_is_pure_python():
    """Domain rules run without Flask, SQLAlchemy or any other part of the service."""
    def refuse(name):
        return (_under(name, "flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug")
                or (_under(name, "service") and not _under(name, "service.domain")))

    assert _refused("domain", refuse) == []


def test_core_imports_no_feature():
    assert _refused("core", lambda name: _under(name, *_service(*FEATURES, "api", "web"))) == []


def test_web_imports_no_feature_and_no_view():
    assert _refused("web", lambda name: _under(name, *_service(*FEATURES, "api"))) == []


@pytest.mark.parametrize("feature", FEATURES)
def test_features_do_not_import_views(feature):
    """Rules are called by the views (and the console), never the other way round."""
    assert _refused(feature, lambda name: _under(name, *_service("api", "console"))) == []


def test_models_import_no_http_layer():
    assert _refused("models", lambda name: _under(name, *_service("api", "web"))) == []


def test_lazy_and_relative_imports_count(tmp_path):
    """The checker sees imports inside functions and resolves relative ones."""
    path = tmp_path / "service" / "web" / "probe.py"
    path.parent.mkdir(parents=True)
    path.write_text("def f():\n    from service.api import common\n    from . import errors\n"
                    "    from ..models import orgs\n")
    assert _imports(path, tmp_path) == {"service.api", "service.web", "service.models"}

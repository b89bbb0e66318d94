"""The layout rules of docs/architecture.md, checked on the source (AST scans, no imports executed).

- Domain apps use each other only through models (and their QuerySets): `from trials.models import Trial`
  is fine, `from trials.services import ...` in collaborations is not.
- The core (`ion_portal`) imports domain apps only where it wires them (URLs, the API router, settings,
  sitemaps); it names them as strings elsewhere (`DOMAIN_APPS`).
- No import cycles at module level.
- Section pages extend their section's base template; colours are design tokens.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ("trials", "toxicity", "collaborations", "education")
CORE = "ion_portal"
# The core's wiring modules: the only core modules allowed to import a domain app. The curators'
# dashboard and the site search are wiring too: each lists the sections and calls their own QuerySets.
CORE_WIRING = {"urls.py", "api.py", "settings.py", "sitemaps.py", "dashboard.py", "search.py"}


def _modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node) -> list[str]:
    """Full dotted names an import statement brings in (`from a import b` gives `a.b` and `a`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def _imports(path: Path, *, module_level_only: bool = False) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level_only else ast.walk(tree)
    found = []
    for node in nodes:
        for name in _imported(node):
            found.append((node.lineno, name))
    return found


def _app_of(name: str) -> str:
    return name.split(".")[0]


def test_domain_apps_use_each_other_only_through_models():
    offenders = []
    for app in DOMAIN_APPS:
        for path in _modules(app):
            for line, name in _imports(path):
                other = _app_of(name)
                if other in DOMAIN_APPS and other != app:
                    parts = name.split(".")
                    # `other`, `other.models` and `other.models.X` are the allowed forms.
                    if len(parts) >= 2 and parts[1] == "models":
                        continue
                    if len(parts) == 1:
                        continue
                    offenders.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert offenders == []


def test_the_core_imports_domain_apps_only_to_wire_them():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _modules(CORE)
        if path.name not in CORE_WIRING
        for line, name in _imports(path)
        if _app_of(name) in DOMAIN_APPS
    ]
    assert offenders == []


def test_the_scan_sees_a_forbidden_import(tmp_path):
    # The checks above read real files; make sure the reader itself finds imports inside functions.
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from trials.services import trial_import\n")
    assert (2, "trials.services.trial_import") in _imports(sample)
    assert _imports(sample, module_level_only=True) == []


def test_no_module_level_import_cycles():
    """Imports inside functions break cycles on purpose (with a comment); module-level ones must not."""
    project = {}
    for app in (CORE, *DOMAIN_APPS):
        for path in _modules(app):
            if "migrations" in path.parts:
                continue
            project[_module_name(path)] = path
    graph = {
        name: {
            target
            for _line, imported in _imports(path, module_level_only=True)
            # `from a.b import c`: c is a module of a.b or a name defined in it, never a reason to load a.
            for target in ((imported,) if imported in project else (imported.rsplit(".", 1)[0],))
            if target in project and target != name
        }
        for name, path in project.items()
    }
    cycles = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []


def test_section_pages_extend_their_section_base_template():
    offenders = []
    for section in ("collaborations", "education", "trials", "toxicity"):
        for path in sorted((ROOT / "templates" / section).glob("*.html")):
            if path.name == "base.html":
                continue
            text = path.read_text(encoding="utf-8")
            extends = re.search(r'{%\s*extends\s+"([^"]+)"', text)
            if extends and extends.group(1) != f"{section}/base.html":
                offenders.append(f"{path.relative_to(ROOT)} extends {extends.group(1)}")
            if f"css/{section}.css" in text:
                offenders.append(f"{path.relative_to(ROOT)} loads the section stylesheet itself")
    assert offenders == []


def test_every_colour_in_the_stylesheets_is_a_design_token():
    colour = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(")
    offenders = []
    for path in sorted((ROOT / "static" / "css").glob("*.css")):
        if path.name == "tokens.css":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if colour.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
    tokens = (ROOT / "static" / "css" / "tokens.css").read_text(encoding="utf-8")
    assert "--color-primary:" in tokens and "--color-input-border:" in tokens


MAX_MODULE_LINES = 500


def _app_modules():
    for app in (CORE, *DOMAIN_APPS):
        for path in _modules(app):
            if "migrations" in path.parts:
                continue
            yield path


def test_no_app_module_over_500_lines_except_models_and_migrations():
    offenders = []
    for path in _app_modules():
        relative = path.relative_to(ROOT).as_posix()
        if path.name.startswith("models"):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            offenders.append(f"{relative}: {lines} lines")
    assert offenders == []


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def _unexplained_function_imports(path: Path) -> list[str]:
    """Imports inside a function with no comment on their line, or on the comment lines right above
    the run of imports they belong to (the comment says which cycle or start-up cost they avoid)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            explained = any("#" in lines[n - 1] for n in range(node.lineno, node.end_lineno + 1))
            above = node.lineno - 2
            # Walk up over the other imports of the same run to the comment that explains them.
            while not explained and above >= 0:
                text = lines[above].strip()
                if text.startswith("#") or (text.startswith(("from ", "import ")) and "#" in text):
                    explained = True
                elif not text.startswith(("from ", "import ", ")")) and not text.endswith(","):
                    break
                above -= 1
            if not explained:
                found.append(f"{_shown(path)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


def test_imports_inside_functions_say_why():
    offenders = [
        offender for path in _app_modules() for offender in _unexplained_function_imports(path)
    ]
    assert offenders == []


def test_the_function_import_check_sees_a_silent_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    import re\n\n\n"
        "def g():\n    # the models module imports this one\n    from a import b\n    import c\n\n\n"
        "def h():\n    import d  # start-up cost: loaded on first use\n"
    )
    found = _unexplained_function_imports(sample)
    assert len(found) == 1 and found[0].endswith(":2: import re")

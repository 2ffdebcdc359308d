"""The apps' imports keep them installable one by one: ``facilitators`` and ``certificates``
build on ``courses``, which imports neither; no app imports the example site (``education``,
``home``, ``search``); and no module of an app imports itself back through others, not even
from inside a function.

The imports are read from the source, as ``import-linter`` reads them.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("courses", "facilitators", "certificates")
SITE = ("education", "home", "search")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_of(package):
    return {module_name(path): path for path in (ROOT / package).rglob("*.py")}


def imported_names(name, path):
    """Every module name ``name`` imports, anywhere in it, relative imports made absolute."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                if not is_package:
                    base.pop()
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def import_graph(package):
    """``{module: {modules of the package it imports}}``."""
    modules = modules_of(package)
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in imported_names(name, path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def cycles(graph):
    """The groups of modules that import each other, directly or not (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def top_level_imports(package):
    return {
        imported.split(".")[0]
        for name, path in modules_of(package).items()
        for imported in imported_names(name, path)
        if imported
    }


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_itself_back(app):
    assert cycles(import_graph(app)) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_courses_imports_neither_facilitators_nor_certificates():
    assert top_level_imports("courses") & {"facilitators", "certificates"} == set()


def test_facilitators_and_certificates_import_each_other_not():
    assert "certificates" not in top_level_imports("facilitators")
    assert "facilitators" not in top_level_imports("certificates")


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_the_example_site(app):
    assert top_level_imports(app) & set(SITE) == set()


def test_the_request_page_names_views_that_exist():
    from django.utils.module_loading import import_string

    from courses.models import SessionRequestPage
    from courses.requests import views

    assert import_string(SessionRequestPage.form_view) is views.session_request_form
    assert import_string(SessionRequestPage.thanks_view) is views.session_request_thanks

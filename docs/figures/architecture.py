"""The figures behind docs/architecture.md, measured on the code as it is (issue 16).

    PYTHONPATH=. .venv/bin/python docs/figures/architecture.py

Prints: two-way app pairs, module cycles (strongly connected groups of modules), imports inside
functions (all, and those without a `noqa: PLC0415` reason), the largest modules and the longest
functions. The layer contract itself is `lint-imports` (pyproject.toml).
"""

from __future__ import annotations

import ast
import pathlib

import grimp

ROOT = pathlib.Path(__file__).resolve().parents[2]


def app(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else module


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: groups of modules that import each other, directly or round a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in list(edges):
        if node not in index:
            visit(node)
    return groups


def main() -> None:
    graph = grimp.build_graph("pembinaan", exclude_type_checking_imports=True)
    modules = {m for m in graph.modules if ".migrations" not in m}
    edges = {m: {t for t in graph.find_modules_directly_imported_by(m) if t in modules} for m in modules}
    app_edges = {(app(a), app(b)) for a, targets in edges.items() for b in targets if app(a) != app(b)}
    pairs = sorted({tuple(sorted(e)) for e in app_edges if (e[1], e[0]) in app_edges})
    print(f"two-way app pairs: {len(pairs)} {pairs}")
    cycles = strongly_connected(edges)
    print(f"module cycles: {len(cycles)}")
    for group in cycles:
        print("   ", sorted(group))
    inside = unexplained = 0
    functions: list[tuple[int, str]] = []
    sizes: list[tuple[int, str]] = []
    for path in sorted((ROOT / "pembinaan").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        lines = text.splitlines()
        sizes.append((len(lines), str(path.relative_to(ROOT))))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.append((node.end_lineno - node.lineno + 1, f"{path.relative_to(ROOT)}:{node.name}"))
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        inside += 1
                        if "noqa: PLC0415" not in lines[inner.lineno - 1]:
                            unexplained += 1
    print(f"imports inside functions: {inside}, without a stated reason: {unexplained}")
    print("largest modules:", ", ".join(f"{p} ({n})" for n, p in sorted(sizes)[-3:][::-1]))
    print("longest functions:", ", ".join(f"{p} ({n})" for n, p in sorted(functions)[-3:][::-1]))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Module boundaries: a module includes only headers of modules it links, and never upward.

Reads the target link graph that CMake writes with --graphviz, then every #include "X/..." in
src/<module>/ and checks it against that graph and a few never-rules:

  * a source file in src/M may include "X/..." only if M is X, or a target of M links a target of
    X directly, or through a chain of PUBLIC links of what it links (a PRIVATE link of a
    dependency does not reach M);
  * the engine (core, pk, pd, protocol, population, trial, estimation, nlme, io) includes no storage, server or SQL
    header (store/, server/, sqlite3.h, libpq-fe.h, pqxx, httplib.h);
  * nothing includes the front ends (cli/, server/) except the front ends themselves;
  * the PDF renderer stays in its layer: only src/clinic/pdf includes Cairo or Pango headers, and
    only the front ends (cli, server) link ketapath_clinic_pdf.

A folder src/M/L with its own CMakeLists.txt is a layer of M with its own target ketapath_M_L
(src/clinic/domain, src/clinic/json, src/clinic/service, src/store/memory): it is checked as a unit
of its own, so clinic/domain may not include clinic/service even though both are "clinic".

Usage: check-boundaries.py --src SRC_DIR --graph DEPS.dot
Exit 0 when clean, 1 with one line per violation (file:line: what and why) otherwise, 2 on usage.
"""
import argparse
import pathlib
import re
import sys

ENGINE = {"core", "pk", "pd", "protocol", "population", "trial", "estimation", "nlme", "usermodel",
          "io"}
FRONT_ENDS = {"cli", "server"}
SQL_HEADERS = re.compile(r"^(sqlite3\.h|libpq-fe\.h|pqxx/.*|httplib\.h|boost/beast.*)$")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
NODE = re.compile(r'^\s*"(node\d+)"\s*\[\s*label\s*=\s*"([^"]+)"')
PDF_HEADERS = re.compile(r"^(cairo.*\.h|pango/.*|pangocairo.*)$")
PDF_LAYER = "clinic/pdf"
EDGE = re.compile(r'^\s*"(node\d+)"\s*->\s*"(node\d+)"(.*)$')


def module_of_target(target: str, modules: set[str]) -> str | None:
    """ketapath_population_output -> population; ketapath_clinic_domain -> clinic/domain (a layer
    with its own folder); ketapath (the CLI binary) -> cli."""
    if target == "ketapath":
        return "cli"
    if not target.startswith("ketapath_"):
        return None
    rest = target[len("ketapath_"):]
    best = None
    for module in modules:
        name = module.replace("/", "_")
        if rest == name or rest.startswith(name + "_"):
            if best is None or len(name) > len(best.replace("/", "_")):
                best = module
    return best


def find_modules(src: pathlib.Path) -> set[str]:
    """Every folder of src is a module; a sub-folder with its own CMakeLists.txt is a layer."""
    modules = set()
    for top in src.iterdir():
        if not top.is_dir():
            continue
        modules.add(top.name)
        for sub in top.iterdir():
            if sub.is_dir() and (sub / "CMakeLists.txt").is_file():
                modules.add(f"{top.name}/{sub.name}")
    return modules


def module_of_path(parts: tuple[str, ...], modules: set[str]) -> str:
    """The layer "M/L" when the path lies in one, else the module "M"."""
    if len(parts) >= 3 and f"{parts[0]}/{parts[1]}" in modules:
        return f"{parts[0]}/{parts[1]}"
    return parts[0]


def read_graph(path: pathlib.Path):
    names: dict[str, str] = {}
    edges: list[tuple[str, str, bool]] = []  # (from, to, public)
    for line in path.read_text().splitlines():
        if m := NODE.match(line):
            names[m.group(1)] = m.group(2)
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(2), "dotted" not in m.group(3)))
    links: dict[str, list[tuple[str, bool]]] = {}
    for a, b, public in edges:
        links.setdefault(names[a], []).append((names[b], public))
    return links


def allowed_modules(links, modules: set[str]) -> dict[str, set[str]]:
    def public_closure(target: str, seen: set[str]) -> None:
        for dep, public in links.get(target, []):
            if public and dep not in seen:
                seen.add(dep)
                public_closure(dep, seen)

    allowed: dict[str, set[str]] = {m: {m} for m in modules}
    for target in links:
        owner = module_of_target(target, modules)
        if owner is None:
            continue
        reach: set[str] = set()
        for dep, _ in links[target]:
            reach.add(dep)
            public_closure(dep, reach)
        for dep in reach:
            if (dep_module := module_of_target(dep, modules)) is not None:
                allowed[owner].add(dep_module)
    return allowed


def pdf_linkers(links, modules: set[str]) -> list[str]:
    """Targets of modules other than the front ends that link the PDF layer."""
    pdf_target = "ketapath_" + PDF_LAYER.replace("/", "_")
    problems = []
    for target, deps in sorted(links.items()):
        owner = module_of_target(target, modules)
        if owner is None or owner in FRONT_ENDS or owner == PDF_LAYER:
            continue
        if any(dep == pdf_target for dep, _ in deps):
            problems.append(f"{target}: links {pdf_target}, which only the front ends "
                            f"({', '.join(sorted(FRONT_ENDS))}) may link")
    return problems


def check(src: pathlib.Path, graph: pathlib.Path) -> list[str]:
    modules = find_modules(src)
    links = read_graph(graph)
    allowed = allowed_modules(links, modules)
    problems = pdf_linkers(links, modules)
    for path in sorted(src.rglob("*")):
        if path.suffix not in {".h", ".hpp", ".cpp", ".cc"}:
            continue
        module = module_of_path(path.relative_to(src).parts, modules)
        top = module.split("/")[0]
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            m = INCLUDE.match(line)
            if not m:
                continue
            header = m.group(2)
            where = f"{path}:{number}"
            if top in ENGINE and (SQL_HEADERS.match(header) or header.split("/")[0] in
                                  {"store", "server"}):
                problems.append(f"{where}: the engine module '{module}' includes the storage, "
                                f"server or SQL header <{header}>")
                continue
            if PDF_HEADERS.match(header) and module != PDF_LAYER:
                problems.append(f"{where}: '{module}' includes the PDF renderer's header "
                                f"<{header}> (Cairo and Pango stay in src/{PDF_LAYER})")
                continue
            target_module = (module_of_path(tuple(header.split("/")), modules)
                             if "/" in header else None)
            if m.group(1) != '"' or target_module not in modules or target_module == module:
                continue
            if target_module.split("/")[0] in FRONT_ENDS and top not in FRONT_ENDS:
                problems.append(f"{where}: '{module}' includes the front end header "
                                f"\"{header}\" (nothing includes upward)")
            elif target_module not in allowed.get(module, {module}):
                problems.append(f"{where}: '{module}' includes \"{header}\" but does not link "
                                f"ketapath_{target_module.replace('/', '_')} (add the link in "
                                f"src/{module}/CMakeLists.txt if the layering allows it)")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", required=True, type=pathlib.Path)
    parser.add_argument("--graph", required=True, type=pathlib.Path)
    args = parser.parse_args()
    if not args.src.is_dir() or not args.graph.is_file():
        print(f"check-boundaries: need a source folder and a graphviz file "
              f"(got {args.src}, {args.graph})", file=sys.stderr)
        return 2
    problems = check(args.src, args.graph)
    for problem in problems:
        print(problem)
    if problems:
        print(f"check-boundaries: {len(problems)} include(s) cross a module boundary",
              file=sys.stderr)
        return 1
    print(f"check-boundaries: every include of {args.src} stays within its module's links")
    return 0


if __name__ == "__main__":
    sys.exit(main())

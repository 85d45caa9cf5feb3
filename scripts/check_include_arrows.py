#!/usr/bin/env python3
"""Fails when a source file includes a module that its module may not depend on.

The allowed arrows are the DEPENDS lists of the slhmc_module(...) calls in the
top-level CMakeLists.txt (one place: the build and this check read the same
plan), closed transitively. Each file under src/<module>/ and
include/slhmc/<module>/ may include "slhmc/<other>/..." only for <other> equal
to <module> or reachable from it; apps/, tests/ and bench/ sit on top and may
include anything. A relative include that climbs out of its module ("../x")
is refused too. Prints every offending line as file:line and exits 1.

Usage: scripts/check_include_arrows.py [REPO_ROOT]
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
cmake = (root / "CMakeLists.txt").read_text()

# slhmc_module(name DEPENDS slhmc_a slhmc_b)
direct = {}
for m in re.finditer(r"slhmc_module\(\s*(\w+)([^)]*)\)", cmake):
    name, rest = m.group(1), m.group(2)
    deps = re.findall(r"slhmc_(\w+)", rest.split("DEPENDS", 1)[1]) if "DEPENDS" in rest else []
    direct[name] = set(deps)
if not direct:
    sys.exit(f"{root}/CMakeLists.txt: no slhmc_module(...) calls found")
for name, deps in direct.items():
    for d in deps:
        if d not in direct:
            sys.exit(f"CMakeLists.txt: module {name} depends on unknown module {d}")


def reachable(name, seen=None):
    seen = set() if seen is None else seen
    for d in direct[name]:
        if d not in seen:
            seen.add(d)
            reachable(d, seen)
    return seen


allowed = {name: reachable(name) | {name} for name in direct}
include_re = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
problems = []
checked = 0
for base in ("src", "include/slhmc"):
    for path in sorted((root / base).rglob("*")):
        if path.suffix not in (".cpp", ".hpp", ".h", ".cu", ".cuh") or not path.is_file():
            continue
        module = path.relative_to(root / base).parts[0]
        if module not in direct:
            problems.append(f"{path.relative_to(root)}: in no module of CMakeLists.txt ({module})")
            continue
        checked += 1
        for lineno, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = include_re.match(line)
            if not m:
                continue
            target = m.group(1)
            if target.startswith("slhmc/"):
                parts = target.split("/")
                other = parts[1] if len(parts) > 2 else None
                if other and other not in allowed[module]:
                    problems.append(f"{path.relative_to(root)}:{lineno}: module '{module}' includes '{target}' "
                                    f"but may depend only on {sorted(allowed[module] - {module}) or 'nothing'}")
            elif target.startswith(".."):
                resolved = (path.parent / target).resolve()
                try:
                    rel = resolved.relative_to((root / base).resolve())
                except ValueError:
                    rel = None
                if rel is None or rel.parts[0] != module:
                    problems.append(f"{path.relative_to(root)}:{lineno}: relative include '{target}' leaves module '{module}'")

for p in problems:
    print(p)
print(f"include arrows: {checked} files checked against {len(direct)} modules, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)

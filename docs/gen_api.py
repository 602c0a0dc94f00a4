"""Write docs/api.md, the API reference, from the package's docstrings.

    python docs/gen_api.py          # rewrite docs/api.md
    python docs/gen_api.py --check  # exit 1 if docs/api.md is not what it would write

Every name in ``skymaps.__all__`` (and the public modules listed in MODULES) gets a
section: its kind, signature and docstring; classes also list their public methods and
properties with the first line of each docstring. tests/python/test_docs_api.py checks
that every public name has its section.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "api.md"

#: Public modules documented besides the top-level names, with one line about each.
MODULES = {
    "skymaps.coverage": "exact coverage tables: which tracts/patches/cells regions touch",
    "skymaps.wcs_footprint": "image footprints from FITS headers and WCS",
    "skymaps.moc": "MOC (IVOA Multi-Order Coverage) conversions of HEALPix range sets",
    "skymaps.plot": "pictures: all-sky and zoomed views, HTML pages (the plot extra)",
    "skymaps.butler": "butler records and registration (the butler extra)",
}


def _kind(obj: object) -> str:
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return "exception"
        return "class"
    if callable(obj):
        return "function"
    return "constant"


def _signature(name: str, obj: object) -> str:
    try:
        sig = str(inspect.signature(obj))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return f"{name}{sig}"


def _doc(obj: object) -> str:
    return _markdown(inspect.getdoc(obj) or "")


def _markdown(doc: str) -> str:
    """numpydoc as Markdown: section underlines become bold titles (not headings that
    would break the page's outline), doctest sessions become ``pycon`` code blocks."""
    lines = doc.strip().splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and set(nxt.strip()) == {"-"} and len(nxt.strip()) >= 3:
            out += [f"**{line.strip()}**", ""]
            i += 2
            continue
        if line.lstrip().startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += ["```pycon", *block, "```"]
            continue
        out.append(line)
        i += 1
    return "\n".join(out).strip()


def _first_line(obj: object) -> str:
    doc = _doc(obj)
    return doc.split("\n\n")[0].replace("\n", " ") if doc else ""


def _members(cls: type) -> list[str]:
    lines = []
    for name, member in sorted(vars(cls).items()):
        if name.startswith("_") and name not in ("__init__", "__call__"):
            continue
        if name == "__init__":
            continue
        target = member.fget if isinstance(member, property) else member
        if isinstance(member, (staticmethod, classmethod)):
            target = member.__func__
        if not (callable(target) or isinstance(member, property)):
            continue
        summary = _first_line(target)
        label = f"`{name}`" + (" (property)" if isinstance(member, property) else "")
        lines.append(f"- {label}: {summary}" if summary else f"- {label}")
    return lines


def _section(qualname: str, name: str, obj: object) -> list[str]:
    out = [f"### `{qualname}`", "", f"*{_kind(obj)}*", ""]
    if _kind(obj) == "constant":
        out += [f"`{name} = {obj!r}`", ""]
        return out
    sig = _signature(name, obj)
    if sig:
        out += ["```python", sig, "```", ""]
    doc = _doc(obj)
    if doc:
        out += [doc, ""]
    if inspect.isclass(obj) and not issubclass(obj, BaseException):
        members = _members(obj)
        if members:
            out += ["Members:", "", *members, ""]
    return out


def render() -> str:
    import skymaps

    lines = [
        "# API reference",
        "",
        "Generated from the docstrings by `python docs/gen_api.py`; do not edit by hand.",
        "Coordinates are degrees unless a name says otherwise.",
        "",
        "## `skymaps`",
        "",
        _doc(skymaps),
        "",
    ]
    for name in skymaps.__all__:
        if name == "__version__":
            lines += ["### `skymaps.__version__`", "", "*constant*", "",
                      "The installed version (a string).", ""]
            continue
        lines += _section(f"skymaps.{name}", name, getattr(skymaps, name))
    for module_name, about in MODULES.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # an optional extra is missing: say so rather than skip
            lines += [f"## `{module_name}`", "", f"{about} (not importable here).", ""]
            continue
        lines += [f"## `{module_name}`", "", _doc(module) or about, ""]
        for name in getattr(module, "__all__", []):
            lines += _section(f"{module_name}.{name}", name, getattr(module, name))
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date: run python docs/gen_api.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

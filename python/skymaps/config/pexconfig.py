"""Read pex_config-style skymap config files without pex_config and without ``exec``.

Files given to ``butler register-skymap -C`` (and obs-package ``config/makeSkyMap.py``,
and the text of pickled skymap configs) are Python, but real ones use a tiny subset:
assignments of literals and arithmetic to ``config.<field>`` chains, comments,
``import`` lines, ``assert type(config)==...`` and ``config.load(...)`` of another file.
This module parses them with :mod:`ast` and *interprets* that subset on a
:mod:`skymaps.config.fields` tree; nothing in the file is executed. Supported:

* statements: assignment (to ``config`` chains or to local names), ``config.load(path)``
  (relative to the file; cycles refused), ``import``/``from ... import`` (ignored),
  ``assert type(config) == X`` (names the config class), ``pass``, ``if``, and
  ``for`` over a list or ``range``;
* expressions: numbers, strings, ``True``/``False``/``None``, lists and tuples,
  ``+ - * / // % **``, comparisons and ``and``/``or``/``not``, list comprehensions,
  reading config values, ``math.pi``-style constants and a few pure functions
  (``math.*``, ``abs``, ``min``, ``max``, ``round``, ``int``, ``float``, ``str``,
  ``len``, ``range``, ``list``, ``tuple``, ``os.path.join/dirname/basename/abspath``,
  ``getPackageDir`` via ``<PACKAGE>_DIR``), ``__file__``.

Anything else raises :class:`~skymaps.errors.InvalidConfigError` as
``file:line: message``.

Bounds (for files from other people; ``docs/config-security.md`` has the threat model):

* a file is at most 1 MiB (``MAX_SOURCE_BYTES``) and must be a regular file (no
  FIFOs, devices or ``/proc`` streams, which could block or never end);
  ``config.load`` reads only ``*.py`` and ``*.pex`` files, nests at most 16 deep
  (``_MAX_LOAD_DEPTH``, cycles refused) and one reading opens at most 64 files in all
  (``_MAX_FILES``, so a diamond of loads cannot fan out exponentially). Otherwise it
  may read any such file the user can read (relative paths from the loading file);
* integers have at most 1,024 bits (``_MAX_INT_BITS``); ``**`` is refused before it is
  computed when its result would exceed 1e300;
* strings, lists and tuples have at most 100,000 items (``_MAX_SEQUENCE``), nested at
  most 32 deep (``_MAX_NESTING``);
* ``for`` loops and comprehensions run at most 100,000 iterations per reading in all
  (``_MAX_ITERATIONS``), and one reading evaluates at most 2,000,000 expression nodes
  and value items (``_MAX_STEPS``), so shared sub-lists (``x = [x, x]`` in a loop)
  cannot make a check or a comparison exponential.

Each bound raises ``InvalidConfigError``; with them a hostile file costs at most about
a second of one core and little memory.
"""

from __future__ import annotations

import ast
import math
import os
import reprlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidConfigError
from .fields import (
    CONFIG_CLASS_NAMES,
    SKYMAP_CLASSES,
    ConfigNode,
    Location,
    RegistryNode,
    fail,
    make_root,
    make_skymap_config,
)
from .source import MAX_SOURCE_BYTES, read_source

__all__ = ["ConfigReader", "parse_override", "SUPPORTED_ROOTS"]

_MAX_LOAD_DEPTH = 16
_MAX_FILES = 64
_MAX_ITERATIONS = 100_000
_MAX_SEQUENCE = 100_000
_MAX_NESTING = 32
_MAX_INT_BITS = 1024
_MAX_STEPS = 2_000_000
_MAX_POWER = 1e300
#: What config.load may open: pex_config files (never /etc/passwd or /dev/zero).
_LOADABLE_SUFFIXES = (".py", ".pex")

#: pex_config class names a file may assert for its ``config`` object.
SUPPORTED_ROOTS = ("MakeSkyMapConfig", *CONFIG_CLASS_NAMES)

# The first-level attributes that identify each kind of root, for files with no assert.
_ROOT_ATTRS = {"skyMap", "name"}
_CLASS_ATTRS = {
    name: {f.name for f in spec.fields} - {"tractOverlap", "pixelScale", "projection", "rotation"}
    for name, spec in SKYMAP_CLASSES.items()
}


# ------------------------------------------------------------------ runtime values


@dataclass(frozen=True)
class _Node:
    """``config`` or a sub-config inside the file being read."""

    node: ConfigNode


@dataclass(frozen=True)
class _Registry:
    node: RegistryNode


@dataclass(frozen=True)
class _Function:
    name: str
    fn: Callable[..., Any]


@dataclass(frozen=True)
class _Loader:
    """The bound method ``<config>.load``."""

    node: ConfigNode


@dataclass(frozen=True)
class _Namespace:
    name: str
    members: dict[str, Any]


def _get_package_dir(package: str) -> str:
    if not isinstance(package, str):
        raise TypeError("getPackageDir expects a package name")
    var = f"{package.upper()}_DIR"
    value = os.environ.get(var)
    if value is None:
        raise ValueError(f"getPackageDir({package!r}): set the environment variable {var}")
    return value


def _round(number: Any, *ndigits: Any) -> Any:
    # round(x, -n) computes 10**n: bound n like the integers themselves.
    if ndigits and isinstance(ndigits[0], int) and abs(ndigits[0]) > 400:
        raise ValueError("round() digits out of range (at most 400)")
    return round(number, *ndigits)


def _range(*args: Any) -> list[int]:
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        raise TypeError("range expects integers")
    r = range(*args)
    if len(r) > _MAX_SEQUENCE:
        raise ValueError(f"range of {len(r)} items is too long")
    return list(r)


def _pure(name: str, fn: Callable[..., Any]) -> _Function:
    return _Function(name, fn)


_MATH = _Namespace(
    "math",
    {
        "pi": math.pi,
        "e": math.e,
        "tau": math.tau,
        "inf": math.inf,
        **{
            n: _pure(f"math.{n}", getattr(math, n))
            for n in (
                "radians degrees sqrt sin cos tan asin acos atan atan2 floor ceil "
                "fabs exp log log10 hypot isclose"
            ).split()
        },
    },
)
_OS_PATH = _Namespace(
    "os.path",
    {
        "join": _pure("os.path.join", os.path.join),
        "dirname": _pure("os.path.dirname", os.path.dirname),
        "basename": _pure("os.path.basename", os.path.basename),
        "abspath": _pure("os.path.abspath", os.path.abspath),
        "normpath": _pure("os.path.normpath", os.path.normpath),
    },
)
_OS = _Namespace("os", {"path": _OS_PATH, "sep": os.sep})
_BUILTINS: dict[str, Any] = {
    "math": _MATH,
    "os": _OS,
    "getPackageDir": _pure("getPackageDir", _get_package_dir),
    "abs": _pure("abs", abs),
    "min": _pure("min", min),
    "max": _pure("max", max),
    "round": _pure("round", _round),
    "int": _pure("int", int),
    "float": _pure("float", float),
    "str": _pure("str", str),
    "bool": _pure("bool", bool),
    "len": _pure("len", len),
    "range": _pure("range", _range),
    "list": _pure("list", list),
    "tuple": _pure("tuple", tuple),
    "sum": _pure("sum", sum),
}

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
    ast.Pow: lambda a, b: a**b,
}
_COMPARES: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float))


def _is_data(x: Any) -> bool:
    """Plain data a config value may hold (no handles, no functions)."""
    return _data_size(x, 0) is not None


def _data_size(x: Any, depth: int) -> int | None:
    """Items in plain data ``x`` (shared sub-lists counted each time), None if ``x`` is
    not plain data; stops early past ``_MAX_STEPS`` items or ``_MAX_NESTING`` levels."""
    if x is None or isinstance(x, (bool, int, float, str)):
        return 1
    if isinstance(x, dict):  # the tables of a list[dict] field (a headers skymap's images)
        if not all(isinstance(k, str) for k in x):
            return None
        x = list(x.values())
    if not isinstance(x, (list, tuple)):
        return None
    if depth >= _MAX_NESTING:
        return _MAX_STEPS + 1
    total = 1
    for item in x:
        size = _data_size(item, depth + 1)
        if size is None:
            return None
        total += size
        if total > _MAX_STEPS:
            break
    return total


def _short(value: Any) -> str:
    """A bounded repr for messages (values may be huge or deeply shared)."""
    return reprlib.repr(value)


# ---------------------------------------------------------------------- the reader


@dataclass
class _Frame:
    """One file being read: its path, display name and local variables."""

    path: Path | None
    label: str
    variables: dict[str, Any] = field(default_factory=dict)


class ConfigReader:
    """Interpret pex_config files and ``key=value`` overrides onto one config tree.

    Parameters
    ----------
    root : ConfigNode
        The tree that ``config`` refers to in top-level files (a ``MakeSkyMapConfig``
        or a skymap class's config).
    """

    def __init__(self, root: ConfigNode) -> None:
        self.root = root
        self.sources: list[Path] = []
        self._stack: list[Path] = []
        self._iterations = 0
        self._steps = 0

    # -- entry points

    def read_file(self, path: Path, node: ConfigNode | None = None) -> None:
        """Apply the file at ``path`` to ``node`` (default: the root).

        Raises
        ------
        InvalidConfigError
            Unsupported Python, unknown fields, wrong types, a missing file or a cycle.
        """
        path = Path(path)
        try:
            resolved = path.resolve()
        except (OSError, ValueError) as err:  # a loop of symlinks, a NUL byte
            raise InvalidConfigError(f"{path}: cannot resolve path: {err}") from None
        if resolved in self._stack:
            chain = " -> ".join(str(p) for p in [*self._stack, resolved])
            raise InvalidConfigError(f"{path}: config.load cycle: {chain}")
        if len(self._stack) >= _MAX_LOAD_DEPTH:
            raise InvalidConfigError(f"{path}: config.load nested more than {_MAX_LOAD_DEPTH} deep")
        if len(self.sources) >= _MAX_FILES:
            raise InvalidConfigError(f"{path}: more than {_MAX_FILES} config files in one reading")
        text = read_source(path)
        self.sources.append(resolved)
        self._stack.append(resolved)
        try:
            self.read_text(text, str(path), node, path=resolved)
        finally:
            self._stack.pop()

    def read_text(
        self, text: str, label: str, node: ConfigNode | None = None, path: Path | None = None
    ) -> None:
        """Apply config source ``text`` (shown as ``label`` in errors) to ``node``."""
        if len(text) > MAX_SOURCE_BYTES:
            raise InvalidConfigError(f"{label}: config text longer than {MAX_SOURCE_BYTES:,}")
        module = parse(text, label)
        target = node if node is not None else self.root
        asserted = asserted_class(module, label)
        if asserted is not None and asserted != target.spec.class_name:
            raise InvalidConfigError(
                f"{label}: the file configures a {asserted} but is loaded into "
                f"{target.label} (a {target.spec.class_name})"
            )
        frame = _Frame(path, label)
        frame.variables["config"] = _Node(target)
        frame.variables["__file__"] = str(path) if path is not None else label
        self._run_block(module.body, frame)

    def apply_override(self, text: str, label: str) -> None:
        """Apply one ``key=value`` override (pex_config ``-c`` syntax)."""
        target, value, raw = parse_override(text, label)
        frame = _Frame(None, label)
        frame.variables["config"] = _Node(self.root)
        where = Location(label, 1)
        self._assign(target, value, frame, where, override_raw=raw)

    def apply_value(self, key: str, value: Any, label: str) -> None:
        """Set ``key`` (an override path such as ``skyMap['rings'].numRings``) to a value."""
        target, _, _ = parse_override(f"{key}=None", label)
        frame = _Frame(None, label)
        frame.variables["config"] = _Node(self.root)
        self._assign(target, value, frame, Location(label, 1))

    # -- statements

    def _run_block(self, body: Sequence[ast.stmt], frame: _Frame) -> None:
        for stmt in body:
            self._run(stmt, frame)

    def _run(self, stmt: ast.stmt, frame: _Frame) -> None:
        where = Location(frame.label, stmt.lineno)
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)):
            return
        if isinstance(stmt, ast.Assert):
            if _type_assert_class(stmt) is None:
                raise fail(where, "only 'assert type(config) == <ConfigClass>' is supported")
            return  # checked before running, in read_text
        if isinstance(stmt, ast.Assign):
            try:
                value = self._eval(stmt.value, frame)
            except InvalidConfigError as err:
                targets = ", ".join(ast.unparse(t) for t in stmt.targets)
                raise InvalidConfigError(f"{err} (in the value for {targets})") from None
            for target in stmt.targets:
                self._assign(target, value, frame, where)
            return
        if isinstance(stmt, ast.AugAssign):
            raise fail(where, "augmented assignment (+=, ...) is not supported; write x = x + ...")
        if isinstance(stmt, ast.Expr):
            if isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                return  # a docstring
            if isinstance(stmt.value, ast.Call):
                self._eval(stmt.value, frame)
                return
            raise fail(where, "an expression on its own line has no effect")
        if isinstance(stmt, ast.If):
            branch = stmt.body if self._eval(stmt.test, frame) else stmt.orelse
            self._run_block(branch, frame)
            return
        if isinstance(stmt, ast.For):
            if stmt.orelse:
                raise fail(where, "for ... else is not supported")
            for item in self._iterable(stmt.iter, frame, where):
                self._bind(stmt.target, item, frame, where)
                self._run_block(stmt.body, frame)
            return
        raise fail(
            where, f"unsupported statement ({type(stmt).__name__}); config files may only assign"
        )

    def _charge(self, steps: int, where: Location) -> None:
        """Counts work against ``_MAX_STEPS`` (see the module documentation)."""
        self._steps += steps
        if self._steps > _MAX_STEPS:
            raise fail(where, f"more than {_MAX_STEPS:,} evaluation steps; the file is too complex")

    def _plain(self, value: Any, where: Location) -> bool:
        """``_is_data``, its work counted against the step budget."""
        size = _data_size(value, 0)
        if size is None:
            return False
        self._charge(size, where)
        return True

    def _iterable(self, node: ast.expr, frame: _Frame, where: Location) -> Iterable[Any]:
        seq = self._eval(node, frame)
        if not isinstance(seq, (list, tuple, str)):
            raise fail(
                where, f"can only loop over a list, tuple or range, got {type(seq).__name__}"
            )
        for item in seq:
            self._iterations += 1
            if self._iterations > _MAX_ITERATIONS:
                raise fail(where, f"more than {_MAX_ITERATIONS} loop iterations")
            yield item

    def _bind(self, target: ast.expr, value: Any, frame: _Frame, where: Location) -> None:
        if isinstance(target, ast.Name):
            if target.id in ("config", "__file__"):
                raise fail(where, f"cannot rebind {target.id!r}")
            frame.variables[target.id] = value
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            if not isinstance(value, (list, tuple)) or len(value) != len(target.elts):
                raise fail(where, f"cannot unpack {_short(value)} into {len(target.elts)} names")
            for t, v in zip(target.elts, value, strict=True):
                self._bind(t, v, frame, where)
            return
        raise fail(where, "loop and local variables must be plain names")

    def _assign(
        self,
        target: ast.expr,
        value: Any,
        frame: _Frame,
        where: Location,
        override_raw: str | None = None,
    ) -> None:
        if isinstance(target, (ast.Name, ast.Tuple, ast.List)):
            self._bind(target, value, frame, where)
            return
        if isinstance(target, ast.Subscript):
            owner = self._eval(target.value, frame)
            if isinstance(owner, _Registry):
                raise fail(
                    where,
                    f"cannot assign to {owner.node.label}[...]; set its fields "
                    f"(e.g. {owner.node.label}['name'].field = value) or its name",
                )
            raise fail(where, "only config fields can be assigned")
        if not isinstance(target, ast.Attribute):
            raise fail(where, "only config fields can be assigned")
        owner = self._eval(target.value, frame)
        attr = target.attr
        if isinstance(owner, _Registry):
            if attr == "name":
                owner.node.select(_override_str(value, override_raw), where)
                return
            raise fail(
                where,
                f"{owner.node.label} has no settable attribute {attr!r}; use .name = '...' "
                f"or [name].field = value",
            )
        if not isinstance(owner, _Node):
            raise fail(where, "only config fields can be assigned")
        node = owner.node
        if attr in node.registries:
            node.registries[attr].select(_override_str(value, override_raw), where)
            return
        if not self._plain(value, where):
            raise fail(where, f"{attr} must be set to a plain value, not {type(value).__name__}")
        if override_raw is not None:
            value = _retype_override(node, attr, value, override_raw)
        node.set_field(attr, value, where)

    # -- expressions

    def _eval(self, node: ast.expr, frame: _Frame) -> Any:
        where = Location(frame.label, getattr(node, "lineno", 1))
        self._charge(1, where)
        try:
            return _bounded(self._eval_inner(node, frame, where), where)
        except InvalidConfigError:
            raise
        except (RecursionError, MemoryError):
            raise fail(where, "expression nested too deeply or too large") from None
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, IndexError) as err:
            raise fail(where, f"cannot evaluate {_source(node)}: {err}") from None

    def _eval_inner(self, node: ast.expr, frame: _Frame, where: Location) -> Any:
        if isinstance(node, ast.Constant):
            if node.value is None or isinstance(node.value, (bool, int, float, str)):
                if isinstance(node.value, str) and len(node.value) > _MAX_SEQUENCE:
                    raise fail(where, "string literal too long")
                return node.value
            raise fail(where, f"unsupported literal {node.value!r}")
        if isinstance(node, ast.Name):
            if node.id in frame.variables:
                return frame.variables[node.id]
            if node.id in _BUILTINS:
                return _BUILTINS[node.id]
            raise fail(
                where,
                f"name {node.id!r} is not defined (config files may use literals, "
                "arithmetic, config values and a few math/os.path functions)",
            )
        if isinstance(node, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise fail(where, "starred expressions are not supported")
            items = [self._eval(e, frame) for e in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.UnaryOp):
            operand = self._eval(node.operand, frame)
            if isinstance(node.op, ast.Not):
                return not operand
            if isinstance(node.op, (ast.USub, ast.UAdd)) and _is_number(operand):
                return -operand if isinstance(node.op, ast.USub) else +operand
            raise fail(where, f"unsupported unary operation in {_source(node)}")
        if isinstance(node, ast.BinOp):
            return self._binop(node, frame, where)
        if isinstance(node, ast.BoolOp):
            result: Any = None
            for value_node in node.values:
                result = self._eval(value_node, frame)
                if isinstance(node.op, ast.And) and not result:
                    return result
                if isinstance(node.op, ast.Or) and result:
                    return result
            return result
        if isinstance(node, ast.Compare):
            left = self._eval(node.left, frame)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = self._eval(right_node, frame)
                compare = _COMPARES.get(type(op))
                if compare is None or not (
                    self._plain(left, where) and self._plain(right, where)
                ):
                    raise fail(where, f"unsupported comparison in {_source(node)}")
                if not compare(left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            chosen = node.body if self._eval(node.test, frame) else node.orelse
            return self._eval(chosen, frame)
        if isinstance(node, ast.Attribute):
            return self._attribute(self._eval(node.value, frame), node.attr, where)
        if isinstance(node, ast.Subscript):
            owner = self._eval(node.value, frame)
            key = self._eval(node.slice, frame)
            if isinstance(owner, _Registry):
                return _Node(owner.node.choice(key, where))
            if isinstance(owner, (list, tuple, str)) and isinstance(key, int):
                return owner[key]
            raise fail(where, f"unsupported subscript {_source(node)}")
        if isinstance(node, ast.Call):
            return self._call(node, frame, where)
        if isinstance(node, ast.ListComp):
            return self._list_comp(node, frame, where)
        raise fail(where, f"unsupported expression ({type(node).__name__}): {_source(node)}")

    def _binop(self, node: ast.BinOp, frame: _Frame, where: Location) -> Any:
        left = self._eval(node.left, frame)
        right = self._eval(node.right, frame)
        op = _BINOPS.get(type(node.op))
        ok = op is not None and (
            (_is_number(left) and _is_number(right))
            or (
                isinstance(node.op, ast.Add)
                and type(left) is type(right)
                and isinstance(left, (str, list, tuple))
            )
        )
        if not ok:
            raise fail(where, f"unsupported operation {_source(node)}")
        if isinstance(node.op, ast.Pow):
            # Refuse results that would take long to compute (10**10**10).
            magnitude = abs(float(right)) * math.log10(max(abs(float(left)), 2.0))
            if magnitude > math.log10(_MAX_POWER):
                raise fail(where, f"power too large in {_source(node)}")
        assert op is not None
        if isinstance(left, (str, list, tuple)):
            if len(left) + len(right) > _MAX_SEQUENCE:
                raise fail(where, f"{type(left).__name__} of more than {_MAX_SEQUENCE:,} items")
            self._charge(len(left) + len(right), where)
        return op(left, right)

    def _attribute(self, owner: Any, attr: str, where: Location) -> Any:
        if isinstance(owner, _Node):
            node = owner.node
            if attr in node.registries:
                return _Registry(node.registries[attr])
            if attr == "load":
                return _Loader(node)
            return node.get_field(attr, where)
        if isinstance(owner, _Registry):
            if attr == "name":
                return owner.node.name
            if attr == "active":
                return _Node(owner.node.active)
            raise fail(
                where, f"{owner.node.label} has no attribute {attr!r} (use .name or .active)"
            )
        if isinstance(owner, _Namespace) and attr in owner.members:
            return owner.members[attr]
        name = owner.name if isinstance(owner, _Namespace) else type(owner).__name__
        raise fail(where, f"{name} has no supported attribute {attr!r}")

    def _call(self, node: ast.Call, frame: _Frame, where: Location) -> Any:
        func = self._eval(node.func, frame)
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise fail(
                where, f"keyword or starred arguments are not supported: {_source(node)}"
            )
        args = [self._eval(a, frame) for a in node.args]
        if isinstance(func, _Loader):
            if len(args) != 1 or not isinstance(args[0], str):
                raise fail(where, "config.load expects one file name")
            path = Path(args[0])
            if path.suffix not in _LOADABLE_SUFFIXES:
                raise fail(
                    where, f"config.load reads only .py or .pex files, not {_short(args[0])}"
                )
            if not path.is_absolute():
                base = frame.path.parent if frame.path is not None else Path.cwd()
                path = base / path
            try:
                self.read_file(path, func.node)
            except InvalidConfigError as err:
                raise InvalidConfigError(f"{err}\n  (loaded from {where})") from None
            return None
        if isinstance(func, _Function):
            if not all(self._plain(a, where) for a in args):
                raise fail(where, f"{func.name} takes plain values only")
            result = func.fn(*args)
            if isinstance(result, range):
                result = list(result)
            if isinstance(result, (list, tuple, str)) and len(result) > _MAX_SEQUENCE:
                raise fail(where, f"result of {func.name} too long")
            return result
        raise fail(where, f"{_source(node.func)} cannot be called in a config file")

    def _list_comp(self, node: ast.ListComp, frame: _Frame, where: Location) -> list[Any]:
        if len(node.generators) != 1 or node.generators[0].is_async:
            raise fail(where, "only list comprehensions with one 'for' are supported")
        gen = node.generators[0]
        inner = _Frame(frame.path, frame.label, dict(frame.variables))
        out = []
        for item in self._iterable(gen.iter, frame, where):
            self._bind(gen.target, item, inner, where)
            if all(self._eval(cond, inner) for cond in gen.ifs):
                out.append(self._eval(node.elt, inner))
        return out


# ------------------------------------------------------------------------- helpers


def _bounded(value: Any, where: Location) -> Any:
    """Refuses integers, strings and sequences past the module's bounds (O(1))."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > _MAX_INT_BITS:
            raise fail(where, f"integer with more than {_MAX_INT_BITS} bits")
    elif isinstance(value, (str, list, tuple)) and len(value) > _MAX_SEQUENCE:
        raise fail(where, f"{type(value).__name__} of more than {_MAX_SEQUENCE:,} items")
    return value


def _source(node: ast.AST) -> str:
    """The expression's text for messages (short, and never failing)."""
    try:
        text = ast.unparse(node)
    except (RecursionError, ValueError):
        return "the expression"
    return repr(text if len(text) <= 80 else text[:77] + "...")


def parse(text: str, label: str) -> ast.Module:
    """Parse config source, turning syntax errors into ``file:line`` errors."""
    try:
        return ast.parse(text, filename=label)
    except SyntaxError as err:
        raise InvalidConfigError(f"{label}:{err.lineno}: invalid syntax: {err.msg}") from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise InvalidConfigError(f"{label}: cannot parse: {err}") from None


def _type_assert_class(stmt: ast.Assert) -> str | None:
    """The class name in ``assert type(config) == pkg.mod.Class`` (or ``is``), else None."""
    test = stmt.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    if not isinstance(test.ops[0], (ast.Eq, ast.Is)):
        return None
    left, right = test.left, test.comparators[0]
    if not (
        isinstance(left, ast.Call)
        and isinstance(left.func, ast.Name)
        and left.func.id == "type"
        and len(left.args) == 1
        and isinstance(left.args[0], ast.Name)
        and left.args[0].id == "config"
    ):
        return None
    if isinstance(right, ast.Attribute):
        return right.attr
    if isinstance(right, ast.Name):
        return right.id
    return None


def asserted_class(module: ast.Module, label: str) -> str | None:
    """The config class a file asserts for ``config``, if it has such a line.

    Raises
    ------
    InvalidConfigError
        The asserted class is not a skymap or MakeSkyMap config.
    """
    for stmt in module.body:
        if isinstance(stmt, ast.Assert):
            name = _type_assert_class(stmt)
            if name is None:
                continue
            if name not in SUPPORTED_ROOTS:
                raise InvalidConfigError(
                    f"{label}:{stmt.lineno}: config class {name!r} is not a skymap config "
                    f"(known: {', '.join(SUPPORTED_ROOTS)})"
                )
            return name
    return None


def detect_root(module: ast.Module, label: str, skymap_class: str | None) -> ConfigNode:
    """Choose what ``config`` is in a top-level file.

    The ``assert type(config)`` line decides when present. Otherwise a file touching
    ``config.skyMap`` or ``config.name`` is a ``MakeSkyMapConfig`` (the register-skymap
    form); a file setting class-specific fields directly (``config.numRings``) is that
    class's config; ``skymap_class`` decides for files that set only common fields.
    """
    asserted = asserted_class(module, label)
    if asserted is not None:
        if asserted == "MakeSkyMapConfig":
            return make_root()
        return make_skymap_config(CONFIG_CLASS_NAMES[asserted])
    used = {
        n.attr
        for n in ast.walk(module)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "config"
    }
    used.discard("load")
    if used & _ROOT_ATTRS or not used:
        if skymap_class is not None and not used & _ROOT_ATTRS:
            return make_skymap_config(skymap_class)
        return make_root()
    if skymap_class is not None:
        return make_skymap_config(skymap_class)
    matches = [name for name, attrs in _CLASS_ATTRS.items() if used & attrs]
    if len(matches) == 1:
        return make_skymap_config(matches[0])
    if len(matches) > 1:
        raise InvalidConfigError(
            f"{label}: fields of several skymap classes are set directly on config "
            f"({', '.join(sorted(matches))}); use config.skyMap['<class>'].<field>"
        )
    raise InvalidConfigError(
        f"{label}: cannot tell which skymap class this file configures: it sets only "
        f"{', '.join(sorted(used))}; select one with config.skyMap.name = '<class>' "
        "or pass skymap_class"
    )


def parse_override(text: str, label: str) -> tuple[ast.expr, Any, str]:
    """Split ``key=value`` into an assignment target (on ``config``) and a value.

    The value is a Python literal (``120``, ``[4000, 4000]``, ``'TAN'``, ``1.0/60``);
    anything that is not is taken as a bare string (``skyMap.name=rings``).

    Raises
    ------
    InvalidConfigError
        No ``=``, or a key that is not a field path.
    """
    if not isinstance(text, str) or "=" not in text:
        raise InvalidConfigError(f"{label}: expected key=value, got {text!r}")
    key, _, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    try:
        target = ast.parse(f"config.{key}", mode="eval").body
    except SyntaxError:
        raise InvalidConfigError(f"{label}: {key!r} is not a config field path") from None
    if not isinstance(target, (ast.Attribute, ast.Subscript)):
        raise InvalidConfigError(f"{label}: {key!r} is not a config field path")
    return target, _override_value(raw, label), raw


def _override_value(raw: str, label: str) -> Any:
    try:
        expr = ast.parse(raw, mode="eval").body
    except SyntaxError:
        return _BareString(raw)
    reader = ConfigReader(make_root())
    try:
        value = reader._eval(expr, _Frame(None, label))
    except InvalidConfigError:
        return _BareString(raw)
    return value if _is_data(value) else _BareString(raw)


class _BareString(str):
    """An override value that was not a Python literal: used as text as written."""


def _override_str(value: Any, raw: str | None) -> Any:
    """A registry name given on the command line is text, whatever it looks like."""
    if raw is None:
        return value
    return value if isinstance(value, str) and not isinstance(value, _BareString) else raw


def _retype_override(node: ConfigNode, attr: str, value: Any, raw: str) -> Any:
    """Override text for a string field is kept as written, even if it looks like a number."""
    if isinstance(value, _BareString):
        return str(value)
    spec = node.spec.field(attr)
    if spec is None:
        for alias, registry, choice, field_name in node.spec.aliases:
            if alias == attr:
                spec = node.registries[registry].choice(choice).spec.field(field_name)
    if spec is not None and spec.kind == "str" and not isinstance(value, str):
        return raw
    return value

"""Front door for YAML inputs (scenario files): text → plain Python data plus the 1-based line of every key.

PyYAML's ``safe_load`` forgets where things were written. Here the document is first *composed*
into nodes, every mapping key and sequence item is recorded with its ``start_mark.line``, and
then the same nodes are constructed into plain dicts/lists. Errors (malformed YAML, duplicate
keys, a file that cannot be read) become one line naming the file and the line.

Bounded by construction: a file larger than :data:`MAX_YAML_BYTES` or that is not a regular file
(``/dev/zero``, a FIFO) is refused before it is read, and a document whose aliases would expand
to more than :data:`MAX_YAML_NODES` nodes (a "billion laughs" bomb) or nest deeper than
:data:`MAX_YAML_DEPTH` is refused after composing (which shares aliased nodes, so it is cheap)
and before anything is constructed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from simulator import diskcache
from simulator.errors import SimulatorError

_MERGE_TAG = "tag:yaml.org,2002:merge"

#: Largest YAML file read (scenario and plan files are a few kB; the biggest shipped one is ~40 kB).
MAX_YAML_BYTES = 4 * 2**20

#: Most nodes a document may hold once its aliases are expanded.
MAX_YAML_NODES = 200_000

#: Deepest nesting of mappings and lists.
MAX_YAML_DEPTH = 64

#: A path into the document: a tuple of mapping keys and sequence indices, () for the root.
KeyPath = tuple


def display_path(path: Path | str) -> str:
    """Show ``path`` relative to the working directory when it lies below it, else absolute.

    Parameters
    ----------
    path : Path or str
        A file path.

    Returns
    -------
    str
        The path as it should appear in a one-line error message.
    """
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def load_yaml_with_lines(path: Path | str, error: type[SimulatorError]) -> tuple[Any, dict[KeyPath, int]]:
    """Read one YAML document and the line of each key and list item in it.

    Parameters
    ----------
    path : Path or str
        The YAML file.
    error : type of SimulatorError
        The error class to raise (e.g. ``ScenarioError``), with ``"<file>:<line>: …"`` messages.

    Returns
    -------
    data : Any
        The document as plain Python data (``None`` for an empty file).
    lines : dict
        ``{key path: 1-based line}`` for every mapping key and sequence item; ``()`` maps to
        the line where the document starts.

    Raises
    ------
    SimulatorError
        Of class ``error``: unreadable file, malformed YAML, or a key given twice in one mapping.
    """
    path = Path(path)
    shown = display_path(path)
    text = _read_bounded(path, shown, error)
    key = None
    if diskcache.cache_dir() is not None:     # a file read before: its parse from the cache (no error then)
        key = diskcache.entry_key("yaml", path, diskcache.code_digest("yamlmarks.py"), content=text.encode())
        cached = diskcache.read("yaml", key)
        if cached is not None:
            return cached
    result = _parse(text, shown, error)
    if key is not None:
        diskcache.write("yaml", key, result)
    return result


def _parse(text: str, shown: str, error: type[SimulatorError]) -> tuple[Any, dict[KeyPath, int]]:
    """(data, lines) of one YAML document's text (see :func:`load_yaml_with_lines`)."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as err:     # a control character such as NUL
        line = text.count("\n", 0, err.position) + 1
        raise error(f"{shown}:{line}: character #x{err.character:04x} is not allowed in YAML; "
                    f"remove it (is this a text file?)") from None
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise error(f"{shown}:1: nesting too deep for a YAML input (more than {MAX_YAML_DEPTH} levels); "
                        f"flatten the document") from None
        if node is None:
            return None, {(): 1}
        _check_expanded_size(node, shown, error)
        lines: dict[KeyPath, int] = {(): node.start_mark.line + 1}
        _record_lines(loader, node, (), lines, shown, error)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = "; ".join(part for part in (err.context, err.problem) if part)
        raise error(f"{shown}:{line}: malformed YAML: {what}; fix the syntax at that line") from None
    except yaml.YAMLError as err:
        raise error(f"{shown}:1: malformed YAML: {err}") from None
    finally:
        loader.dispose()


def _read_bounded(path: Path, shown: str, error: type[SimulatorError]) -> str:
    """The file's text, refused before reading if it is not a regular file or is too large."""
    try:
        info = path.stat()
        if path.is_dir():
            raise error(f"{shown}: is a folder, not a YAML file; give a file inside it")
        if not path.is_file():
            raise error(f"{shown}: not a regular file (a device or pipe); give a YAML file")
        if info.st_size > MAX_YAML_BYTES:
            raise error(f"{shown}: {info.st_size:,} bytes, more than the {MAX_YAML_BYTES:,} a YAML input may have; "
                        f"is this the right file?")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_YAML_BYTES + 1)
        if len(raw) > MAX_YAML_BYTES:
            raise error(f"{shown}: more than the {MAX_YAML_BYTES:,} bytes a YAML input may have; is this the right file?")
        return raw.decode("utf-8")
    except FileNotFoundError:
        raise error(f"{shown}: file not found; check the path") from None
    except UnicodeDecodeError as err:
        raise error(f"{shown}: not UTF-8 text ({err.reason} at byte {err.start}); save the file as UTF-8") from None
    except OSError as err:
        raise error(f"{shown}: cannot read the file ({err.strerror})") from None


def _check_expanded_size(root: yaml.Node, shown: str, error: type[SimulatorError]) -> None:
    """Refuse a composed document that aliases expand beyond the limits (counted once per shared node)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int, stack: set) -> int:
        if id(node) in stack:
            raise error(f"{shown}:{node.start_mark.line + 1}: an alias refers to a node that contains it "
                        f"(a recursive YAML structure); remove the alias")
        if depth > MAX_YAML_DEPTH:
            raise error(f"{shown}:{node.start_mark.line + 1}: nesting deeper than {MAX_YAML_DEPTH} levels; "
                        f"flatten the document")
        if id(node) in sizes:
            return sizes[id(node)]
        children = []
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        stack.add(id(node))
        total = 1 + sum(size(child, depth + 1, stack) for child in children)
        stack.discard(id(node))
        if total > MAX_YAML_NODES:
            raise error(f"{shown}:{node.start_mark.line + 1}: aliases (*name) expand this document beyond "
                        f"{MAX_YAML_NODES:,} values; write the values out or use fewer aliases")
        sizes[id(node)] = total
        return total

    size(root, 0, set())


def _record_lines(loader: yaml.SafeLoader, node: yaml.Node, path: KeyPath, lines: dict, shown: str, error: type) -> None:
    """Walk ``node`` depth-first, storing the line of each key/item under its key path."""
    if isinstance(node, yaml.MappingNode):
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:  # "<<: *anchor": the anchor's keys, unless given here too
                merged: dict = {}
                for source in value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]:
                    _record_lines(loader, source, path, merged, shown, error)
                for key_path, line in merged.items():
                    lines.setdefault(key_path, line)
                continue
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                raise error(f"{shown}:{key_node.start_mark.line + 1}: a mapping key must be a plain name or number")
            line = key_node.start_mark.line + 1
            if key in first_line:
                raise error(f"{shown}:{line}: duplicate key '{key}' (first given at line {first_line[key]}); keep only one")
            first_line[key] = line
            lines[path + (key,)] = line
            _record_lines(loader, value_node, path + (key,), lines, shown, error)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _record_lines(loader, item, path + (index,), lines, shown, error)


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int:
    """The line of ``path``, or of its nearest recorded ancestor (1 when nothing is known)."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1

"""Writing files safely: atomically, and never over a clerk's file unless asked."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from engine.errors import InputError


def write_atomic(
    path: str | Path, data: bytes | memoryview | Iterable[bytes], *, overwrite: bool = False
) -> None:
    """Write ``data`` (bytes, or pieces of them written as they come) to ``path`` via a
    temporary file and a rename: a failure while making the pieces leaves ``path`` as it was.

    Without ``overwrite`` an existing file is an error and is left untouched
    (the final link is made with ``os.link``, which fails if the name exists).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file 0600; give it the mode a plain open() would: an existing
        # file's (when replacing it), else 0666 less the user's umask.
        try:
            mode = os.stat(target).st_mode & 0o7777 if overwrite else None
        except FileNotFoundError:
            mode = None
        os.fchmod(fd, _new_file_mode() if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes | memoryview):
                fh.write(data)
            else:
                for piece in data:
                    fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise InputError(
                    "文件已存在,不会覆盖",
                    path=str(target),
                    hint="换一个文件名,或先检查已有的文件是否就是你要新建的记录。",
                ) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _new_file_mode() -> int:
    """0666 less the process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask

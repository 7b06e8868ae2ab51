"""Writing files safely: atomically, and never over a clerk's file unless asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from engine.errors import InputError


def write_atomic(path: str | Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename.

    Without ``overwrite`` an existing file is an error and is left untouched
    (the final link is made with ``os.link``, which fails if the name exists).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
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

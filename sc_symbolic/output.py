"""Output files: nothing a user owns is touched before the result exists (docs/limits.md, "Output files").

Every file the CLI writes (``-o``, ``--certificate``, ``--plot``, ``search --out``)
goes through ``write_text``/``write_bytes``:

* the whole content is produced first, written to a temporary file in the
  target's directory, then moved into place with ``os.replace`` (atomic on
  POSIX): a failure leaves an existing file as it was, and no half-written file;
* the target must be a new path or an existing *regular* file: a device
  (``/dev/full``), a directory, a FIFO or a symbolic link is refused, never
  followed or replaced;
* ``overwrite=False`` refuses an existing file (``search --out`` without ``--force``).

``save_figure`` renders a matplotlib figure in memory in the format named by
the path's extension, and writes exactly that path (no extension is added).
Every refusal is a ``ModelError`` naming the option: one line, exit status 2.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile

from .errors import ModelError

#: Formats ``--plot`` writes, by file extension (matplotlib's Agg canvas renders all of them).
FIGURE_FORMATS = ("png", "pdf", "svg", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp")


def check_target(path, option: str, *, overwrite: bool = True) -> str:
    """The path as text, if writing it is allowed: a new path or an existing regular file."""
    path = os.fspath(path)
    if not path:
        raise ModelError(option, "empty path", "give a file path")
    if os.path.lexists(path):
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            raise ModelError(option, f"cannot write {path!r}: it is a symbolic link",
                             "give a path to a new or regular file (links are never followed)")
        if stat.S_ISDIR(mode):
            raise ModelError(option, f"cannot write {path!r}: it is a directory", "give a file path")
        if not stat.S_ISREG(mode):
            raise ModelError(option, f"cannot write {path!r}: it is not a regular file (a device or a pipe)",
                             "give a path to a new or regular file")
        if not overwrite:
            raise ModelError(option, f"{path!r} exists", "remove it, choose another path, or pass --force")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ModelError(option, f"cannot write {path!r}: directory {directory!r} does not exist",
                         "give a path in an existing directory")
    return path


def write_bytes(path, data: bytes, option: str, *, overwrite: bool = True) -> str:
    """Write ``data`` to ``path`` atomically (temporary file beside it, then ``os.replace``)."""
    path = check_target(path, option, overwrite=overwrite)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(prefix=".sc-symbolic-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ModelError(option, f"cannot write {path!r}: {exc.strerror or exc}", "give a writable file path") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if os.path.lexists(path):
            check_target(path, option, overwrite=overwrite)  # it may have changed while we wrote
            os.chmod(temporary, stat.S_IMODE(os.lstat(path).st_mode))
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        _remove(temporary)
        raise ModelError(option, f"cannot write {path!r}: {exc.strerror or exc}", "give a writable file path") from None
    except BaseException:
        _remove(temporary)
        raise
    return path


def write_text(path, text: str, option: str, *, overwrite: bool = True) -> str:
    """Write ``text`` (UTF-8) to ``path`` atomically; see ``write_bytes``."""
    return write_bytes(path, text.encode("utf-8"), option, overwrite=overwrite)


def figure_format(path, option: str = "--plot") -> str:
    """The image format named by the path's extension, or a ModelError listing the formats."""
    extension = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if extension not in FIGURE_FORMATS:
        shown = f"extension '.{extension}'" if extension else "no extension"
        raise ModelError(option, f"{os.fspath(path)!r} has {shown}",
                         "name the image format by the extension: " + ", ".join("." + f for f in FIGURE_FORMATS))
    return "jpeg" if extension == "jpg" else "tiff" if extension == "tif" else extension


def save_figure(figure, path, option: str = "--plot", **savefig_options) -> str:
    """Render ``figure`` in the format of ``path``'s extension, then write exactly ``path`` atomically."""
    fmt = figure_format(path, option)
    check_target(path, option)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, **savefig_options)
    return write_bytes(path, buffer.getvalue(), option)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass

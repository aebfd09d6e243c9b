"""Text from a project or an import file made safe to print on a terminal.

A project file comes from anyone, so a step title, a file name or a verbatim may hold escape
sequences (ESC, the one-byte CSI U+009B, OSC ... BEL) that would retitle, clear or rewrite the
user's terminal, or bidi overrides that make a line read differently from what it says. Such
characters are shown as visible escapes (``\\x1b``, ``\\u202e``) instead. Qt-free, so the
headless commands can use it.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

# C0 controls, DEL, C1 controls (U+0080-U+009F, CSI among them), and the bidi embeddings,
# overrides and isolates that reorder what follows them on the line.
_CONTROLS = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"


def _pattern(keep: str) -> re.Pattern[str]:
    kept = "".join(re.escape(c) for c in keep)
    # "every control, minus the kept ones": a class of the controls that are not kept.
    return re.compile(f"(?![{kept}])[{_CONTROLS}]" if kept else f"[{_CONTROLS}]")


_ALL = _pattern("")
_LINES = _pattern("\n\t")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every terminal control shown as an escape such as ``\\x1b``.

    With ``keep_lines`` newline and tab pass through (text that is several lines by design);
    otherwise they are escaped too, so one value can never start a line of its own.
    """
    return (_LINES if keep_lines else _ALL).sub(_visible, text)


class EscapingStream:
    """A text stream that writes to ``target`` with controls escaped, newline and tab kept.

    Installed as sys.stdout/sys.stderr while a command runs, so nothing the command prints
    from user data reaches the terminal raw, whoever forgot to escape it. Everything else
    (encoding, fileno, isatty, ...) is the target's.
    """

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(escape_controls(text, keep_lines=True))
        return len(text)  # what the caller handed over, as TextIO.write reports

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.target.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)

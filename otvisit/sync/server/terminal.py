"""Text from laptops made safe to print on an operator's terminal (no escape sequences)."""

from __future__ import annotations

import unicodedata

#: Control, format (bidi overrides), surrogate, private-use and line/paragraph separators.
_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def shown(text: str, *, keep: str = "") -> str:
    """``text`` with every character a terminal could act on written as a visible escape.

    A device named ``"\\x1b]0;pwned\\x07"`` prints as ``\\x1b]0;pwned\\x07``, not as a command
    to the operator's terminal; ``keep`` names characters left as they are (e.g. a tab).
    """
    return "".join(
        char
        if char in keep or unicodedata.category(char) not in _UNSAFE
        else char.encode("unicode_escape", "backslashreplace").decode("ascii")
        for char in text
    )

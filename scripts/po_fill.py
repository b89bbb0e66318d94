"""Fill a gettext catalogue from a plain-text translation file (a translator's tool, not used by the site).

    python scripts/po_fill.py dump fr [--all] > todo.txt   # untranslated and fuzzy entries, keyed
    python scripts/po_fill.py fill fr done.txt             # write the translations into the .po

Both files are blocks: a line `@key` (a short hash of context and msgid), then the text. In `dump` the
text is the English msgid (a plural's two forms separated by ` ||| `), followed by the Dutch translation
as a hint on a line starting with `nl: `. In `fill` the text is the translation (plural forms separated by
` ||| `); a literal `\\n` stands for a line break. `fill` keeps placeholders honest: it refuses a
translation whose %-placeholders, {}-fields or HTML tags differ from the msgid's, and clears `fuzzy`.
After saving it re-wraps the file with gettext's `msgcat`, as `makemessages` writes it.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
TAGS = "a|abbr|b|br|code|em|i|kbd|li|mark|p|small|span|strong|sup|time|ul"
PLACEHOLDER = re.compile(rf"%\([^)]+\)[sdifr]|%[sdif]|\{{[^{{}}\s]*\}}|</?(?:{TAGS})\b[^>]*>")


def catalogue(language: str) -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def key(entry: polib.POEntry) -> str:
    return hashlib.sha1(
        f"{entry.msgctxt or ''}\x04{entry.msgid}".encode(), usedforsecurity=False
    ).hexdigest()[:7]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _escape(text: str) -> str:
    return text.replace("\n", "\\n")


def dump(language: str, everything: bool = False) -> None:
    hints = {key(e): e for e in polib.pofile(str(catalogue("nl")))}
    for entry in polib.pofile(str(catalogue(language))):
        if entry.obsolete or (not everything and entry.translated() and "fuzzy" not in entry.flags):
            continue
        head = f"@{key(entry)}" + (f" [ctx: {entry.msgctxt}]" if entry.msgctxt else "")
        text = entry.msgid + (f" ||| {entry.msgid_plural}" if entry.msgid_plural else "")
        print(head)
        print(_escape(text))
        hint = hints.get(key(entry))
        if hint is not None and hint.translated():
            nl = (
                hint.msgstr_plural[0] + " ||| " + hint.msgstr_plural[1]
                if hint.msgid_plural
                else hint.msgstr
            )
            print("nl: " + _escape(nl))


def parse(path: Path) -> dict[str, str]:
    found, current, lines = {}, None, []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("@") and re.fullmatch(r"@[0-9a-f]{7}.*", line):
            if current:
                found[current] = "\n".join(lines).strip()
            current, lines = line[1:8], []
        elif current and not line.startswith("nl: "):
            lines.append(line)
    if current:
        found[current] = "\n".join(lines).strip()
    return {k: v.replace("\\n", "\n") for k, v in found.items() if v}


def fill(language: str, source: Path) -> None:
    po = polib.pofile(str(catalogue(language)), wrapwidth=79)
    translations = parse(source)
    problems, filled = [], 0
    for entry in po:
        text = translations.get(key(entry))
        if text is None or entry.obsolete:
            continue
        if entry.msgid_plural:
            forms = [form.strip() for form in text.split("|||")]
            if len(forms) != 2:
                problems.append(f"{key(entry)}: a plural needs two forms")
                continue
            pairs = [(entry.msgid, forms[0]), (entry.msgid_plural, forms[1])]
        else:
            forms, pairs = [text], [(entry.msgid, text)]
        bad = [t for source_text, t in pairs if placeholders(source_text) != placeholders(t)]
        # A singular form may drop the number ("un essai" for %(count)s): allowed for form 0 only.
        if entry.msgid_plural and bad == [forms[0]]:
            bad = []
        if bad:
            problems.append(f"{key(entry)}: placeholders differ in {bad[0]!r} for {entry.msgid!r}")
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: forms[0], 1: forms[1]}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        filled += 1
    po.save()
    # Re-wrap the way gettext does (polib wraps differently), so a fill changes only the filled entries.
    subprocess.run(["msgcat", "-o", str(po.fpath), str(po.fpath)], check=True)  # noqa: S603, S607
    left = sum(1 for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags))
    print(f"filled {filled}, left {left}", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "dump":
        dump(sys.argv[2], everything="--all" in sys.argv)
    elif len(sys.argv) == 4 and sys.argv[1] == "fill":
        fill(sys.argv[2], Path(sys.argv[3]))
    else:
        sys.exit(__doc__)

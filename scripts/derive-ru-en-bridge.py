#!/usr/bin/env python3
"""Derives the Russian -> English bridge table from Mueller's English-Russian
dictionary (Debian's mueller7-dict, dictd format, GPL-2+).

The table is derived at install time, never committed, because of the
dictionary's licence. Each English headword that is one plain word gives its
one-word Russian translations (the dictionary forms, so they are lemmas);
reversed, each Russian word lists the English headwords it translates, best
first: by the position of the Russian word in the entry (the first sense is
the main one), then alphabetically. Output, UTF-8:

  # comment lines
  <russian word>\t<english word> <english word> ...

Usage: derive-ru-en-bridge.py MUELLER7.dict.dz OUT.tsv
"""
import gzip
import re
import sys

MAX_ENGLISH = 12
HEADWORD = re.compile(r"^[a-z]+$")
RUSSIAN_WORD = re.compile(r"^[а-яё]+(-[а-яё]+)?$")
BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
LABEL = re.compile(r"_[^\s.]+\.?")
SENSE_MARK = re.compile(r"(^|\s)(\d+\.|\d+\)|[а-яa-z]\))(?=\s)")


def entries(text):
    head, body = None, []
    for line in text.split("\n"):
        if line and not line[0].isspace():
            if head is not None:
                yield head, " ".join(body)
            head, body = line.strip(), []
        elif head is not None:
            body.append(line.strip())
    if head is not None:
        yield head, " ".join(body)


def translations(body):
    body = BRACKETED.sub(" ", body)
    body = LABEL.sub(" ", body)
    body = SENSE_MARK.sub(" ; ", body)
    for piece in re.split(r"[;,:]", body):
        piece = piece.strip().rstrip(".").strip()
        if RUSSIAN_WORD.match(piece):
            yield piece.replace("ё", "е")


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: derive-ru-en-bridge.py MUELLER7.dict.dz OUT.tsv")
    with gzip.open(argv[1], "rt", encoding="utf-8", errors="replace") as f:
        text = f.read()
    best = {}  # russian -> {english: position}
    for head, body in entries(text):
        if not HEADWORD.match(head):
            continue
        for position, ru in enumerate(translations(body)):
            english = best.setdefault(ru, {})
            if head not in english or position < english[head]:
                english[head] = position
    if len(best) < 1000:
        sys.exit(f"derive-ru-en-bridge: only {len(best)} Russian words found "
                 f"in {argv[1]}; is it Mueller's dictionary?")
    with open(argv[2] + ".tmp", "w", encoding="utf-8") as out:
        out.write("# Russian -> English, reversed from Mueller's English-"
                  "Russian dictionary (mueller7-dict, GPL-2+).\n")
        out.write("# Derived at install time by "
                  "scripts/derive-ru-en-bridge.py; not part of the source.\n")
        for ru in sorted(best):
            english = sorted(best[ru].items(), key=lambda e: (e[1], e[0]))
            out.write(ru + "\t" +
                      " ".join(e for e, _ in english[:MAX_ENGLISH]) + "\n")
    import os
    os.replace(argv[2] + ".tmp", argv[2])
    print(f"derive-ru-en-bridge: {len(best)} Russian words -> {argv[2]}",
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""Function length: no function in the given C++ files is longer than --max lines.

A brace-matching scan, not a regular expression over lines: comments, string literals (also raw
strings R"d(...)d") and character literals are blanked first, then every `{` is classified by the
text before it at its scope. In namespace or class scope a `{` opens

  * a namespace, a class/struct/union/enum body (the scan descends into it),
  * a function body when the text before it ends with `)` and optional trailing specifiers
    (const, noexcept, override, final, mutable, `-> T`) or holds a constructor's member
    initialiser list `) : a_(x), b_(y)`;
  * anything else (a braced initialiser `kTable{...}`, `= {...}`) is skipped whole.

A function's length runs from the first line of its declaration (after the previous `;`, `{` or
`}`) to its closing brace, both included; lambdas and local classes count toward the function that
holds them.

Usage: check-function-length.py --max N PATH... (files or folders; folders: *.cpp, *.h)
Exit 0 when every function fits, 1 with one line per function over the limit
(file:line: name is L lines, over N), 2 on usage.
"""
import argparse
import pathlib
import re
import sys

SPECIFIERS = re.compile(r"\)\s*(?:(?:const|noexcept|override|final|mutable|volatile|&|&&)\s*"
                        r"|noexcept\s*\([^()]*\)\s*|->\s*[^;{}]+?\s*)*$")
INIT_LIST = re.compile(r"\)\s*(?:noexcept\s*)?:\s*[\w:<>,\s]+[({]")
SCOPE = re.compile(r"\b(namespace|class|struct|union|enum)\b")
NAME = re.compile(r"([~\w:<>]+(?:\s*operator\s*\S+)?)\s*\(")


def blank(text: str) -> str:
    """Comments, string and character literals become spaces; newlines are kept."""
    out = []
    i = 0
    n = len(text)

    def keep_newlines(s: str) -> str:
        return "".join("\n" if c == "\n" else " " for c in s)

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(keep_newlines(text[i:j]))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(keep_newlines(text[i:j]))
            i = j
        elif c == "R" and i + 1 < n and text[i + 1] == '"' and (i == 0 or not (
                text[i - 1].isalnum() or text[i - 1] == "_")):
            open_paren = text.find("(", i + 2)
            delimiter = text[i + 2:open_paren]
            end = text.find(")" + delimiter + '"', open_paren)
            j = n if end < 0 else end + len(delimiter) + 2
            out.append('R"' + keep_newlines(text[i + 2:j - 1]) + '"')
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # digit separator 1'000
                out.append(c)
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + keep_newlines(text[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(text: str):
    """(name, first line, last line) of every function body at namespace or class scope."""
    code = blank(text)
    found = []
    stack = []  # kinds of the open braces: "scope", "function", "other"
    header_start = 0  # offset where the current declaration began
    i = 0
    while i < len(code):
        c = code[i]
        if c == "{":
            if stack and stack[-1] != "scope":
                stack.append("inner")
            else:
                header = code[header_start:i]
                stripped = header.strip()
                first = header_start + (len(header) - len(header.lstrip()))
                if SPECIFIERS.search(stripped) or INIT_LIST.search(stripped):
                    m = NAME.search(stripped)
                    name = m.group(1) if m else stripped[:40]
                    stack.append(("function", name, code.count("\n", 0, first) + 1))
                elif SCOPE.search(stripped) and "=" not in stripped:
                    stack.append("scope")
                else:
                    stack.append("other")
            header_start = i + 1
        elif c == "}":
            if stack:
                kind = stack.pop()
                if isinstance(kind, tuple):
                    found.append((kind[1], kind[2], code.count("\n", 0, i) + 1))
            if not stack or stack[-1] == "scope":
                header_start = i + 1
        elif c == ";" and (not stack or stack[-1] == "scope"):
            header_start = i + 1
        elif c == ":" and (not stack or stack[-1] == "scope"):
            # access specifiers (public:) end a declaration; `::` and init lists do not
            before = code[header_start:i].strip()
            if before in {"public", "private", "protected"}:
                header_start = i + 1
        i += 1
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, required=True)
    parser.add_argument("paths", nargs="+", type=pathlib.Path)
    args = parser.parse_args()
    files = []
    for path in args.paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in {".cpp", ".h", ".hpp", ".cc"})
        elif path.is_file():
            files.append(path)
        else:
            print(f"check-function-length: no such file or folder: {path}", file=sys.stderr)
            return 2
    longest = (0, "")
    problems = []
    for path in files:
        for name, first, last in functions(path.read_text(errors="replace")):
            length = last - first + 1
            if length > longest[0]:
                longest = (length, f"{path}:{first}: {name}")
            if length > args.max:
                problems.append(f"{path}:{first}: {name} is {length} lines, over {args.max}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"check-function-length: {len(problems)} function(s) over {args.max} lines",
              file=sys.stderr)
        return 1
    print(f"check-function-length: every function of {len(files)} file(s) has at most "
          f"{args.max} lines (longest: {longest[1]}, {longest[0]} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

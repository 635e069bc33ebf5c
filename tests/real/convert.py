#!/usr/bin/env python3
"""Mechanical conversion of a corpus `.raw.txt` (a payload as it appears in its
source: a JS object literal or a Python string literal) into the `.json` beside it.

    python3 tests/real/convert.py js     FILE.raw.txt > FILE.json
    python3 tests/real/convert.py pystr  FILE.raw.txt > FILE.json
    python3 tests/real/convert.py jsobj  FILE.raw.txt [NAME=JSON ...] > FILE.json
    python3 tests/real/convert.py js     FILE.raw.txt --path body > FILE.json

js:    the text from the first '{' to the last '}' is already JSON syntax
       (quoted keys, no trailing commas); it is written unchanged, after
       checking that it parses.
pystr: the first Python string literal that parses as JSON (ast.literal_eval
       of the literal, so '\\u0634' becomes the JSON escape \\u0634) is written
       unchanged.
jsobj: a JS object literal with unquoted keys, single-quoted strings, plain
       template literals (`...` without ${}) and trailing commas: keys are
       quoted, strings re-quoted and trailing commas
       dropped by the small tokenizer below, nothing else; the result is
       pretty-printed with two-space indentation (integers stay exact).
       A bare identifier that names a constant of the source file is replaced
       by the value given as NAME=JSON (the constant's definition, quoted in
       SOURCES.md); any other bare identifier is an error.
--path K: the webhook body is the member K of the literal (a test wrapping
       the body in {event, body}); that member is written, pretty-printed.
Nothing else is changed: no value is corrected, added or removed.
"""
import ast
import json
import re
import sys


def js(text):
    body = text[text.index("{"): text.rindex("}") + 1]
    json.loads(body)
    return body + "\n"


def pystr(text):
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                json.loads(node.value)
            except ValueError:
                continue
            return node.value + "\n"
    sys.exit("no JSON string literal found")


TOKEN = re.compile(r"""\s+|//[^\n]*|`[^`$\\]*`|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[A-Za-z_$][\w$]*|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[{}\[\]:,]""")


def jsobj(text, consts):
    body = text[text.index("{"): text.rindex("}") + 1]
    out, pos = [], 0
    while pos < len(body):
        m = TOKEN.match(body, pos)
        if not m:
            sys.exit(f"unexpected character at {pos}: {body[pos:pos+20]!r}")
        tok, pos = m.group(0), m.end()
        if tok.isspace() or tok.startswith("//"):
            continue
        if tok.startswith("'"):
            tok = json.dumps(ast.literal_eval(tok), ensure_ascii=False)
        elif tok.startswith("`"):
            tok = json.dumps(tok[1:-1], ensure_ascii=False)
        elif re.fullmatch(r"[A-Za-z_$][\w$]*", tok) and tok not in ("true", "false", "null"):
            nxt = TOKEN.match(body, pos)
            while nxt and (nxt.group(0).isspace()):
                nxt = TOKEN.match(body, nxt.end())
            if nxt and nxt.group(0) == ":":
                tok = json.dumps(tok)
            elif tok in consts:
                tok = consts[tok]
            else:
                sys.exit(f"bare identifier {tok} has no NAME=JSON value")
        if tok in ("}", "]") and out and out[-1] == ",":
            out.pop()
        out.append(tok)
    value = json.loads("".join(out))
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    mode, path, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    text = open(path, encoding="utf-8").read()
    if mode == "js" and rest[:1] == ["--path"]:
        value = json.loads(js(text))[rest[1]]
        sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    elif mode == "jsobj":
        consts = dict(arg.split("=", 1) for arg in rest)
        sys.stdout.write(jsobj(text, consts))
    else:
        sys.stdout.write({"js": js, "pystr": pystr}[mode](text))

#!/usr/bin/env python3
"""Builds careeros-worker.ini(5) from its template and the key tables of
README.md ("### Keys": one "#### `[section]`" table per section, columns key,
default, environment, meaning), so that the page documents every key the
README does, in the same words.  tests/man/check.sh then checks the page
against the binary's own key table (keys and defaults).

usage: gen_ini5.py TEMPLATE README OUTPUT [NAME=VALUE]...
The template's @NAME@ are replaced by the values, and the line @KEYS@ by the
keys."""
import re
import sys


def roff(text):
    """Markdown table cell -> roff text: bold for code and strong, links
    reduced to their text, backslashes and hyphens escaped."""
    text = re.sub(r'\[([^\]]+)\]\([^)]*\)', r'\1', text)
    text = text.replace('\\|', '|').replace('\\', '\\e').replace('-', '\\-')
    text = re.sub(r'\*\*(.+?)\*\*', r'\\fB\1\\fR', text)
    text = re.sub(r'`([^`]+)`', r'\\fB\1\\fR', text)
    return text


def cells(row):
    # split on | not escaped as \|
    parts = re.split(r'(?<!\\)\|', row.strip())
    return [p.strip() for p in parts[1:-1]]


def keys(readme):
    out, section = [], None
    for line in readme.splitlines():
        m = re.match(r'^#### `\[(\w+)\]`', line)
        if m:
            section = m.group(1)
            out.append('.SS "[%s]"' % section)
            continue
        if line.startswith('#'):
            section = None
        if section is None or not line.startswith('| `'):
            continue
        key, default, _env, meaning = cells(line)[:4]
        out.append('.TP')
        out.append('.B %s' % key.strip('`'))
        body = roff(meaning)
        # a text line must not start with a control character
        out.append(('\\&' + body) if body[:1] in ('.', "'") else body)
        value = default.strip('`') if default.startswith('`') else ''
        out.append('Default: \\fB%s\\fR.' % roff(value) if value else 'Default: empty.')
    if not any(l.startswith('.TP') for l in out):
        sys.exit('gen_ini5.py: no key tables found in the README')
    return '\n'.join(out)


def main():
    template, readme, output = sys.argv[1:4]
    subst = dict(a.split('=', 1) for a in sys.argv[4:])
    with open(template, encoding='utf-8') as f:
        text = f.read()
    with open(readme, encoding='utf-8') as f:
        text = text.replace('@KEYS@', keys(f.read()))
    for name, value in subst.items():
        text = text.replace('@%s@' % name, value)
    left = re.findall(r'@[A-Z]+@', text)
    if left:
        sys.exit('gen_ini5.py: not replaced: %s' % ' '.join(sorted(set(left))))
    with open(output, 'w', encoding='utf-8') as f:
        f.write(text)


main()

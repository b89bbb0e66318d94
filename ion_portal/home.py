"""Blocks that domain apps contribute to the home page (latest news, next events, open trials…).

A domain app contributes by defining `home_block(request)` in `<app>/home.py`, returning a dict with
`template` (an include rendered on the home page) and `context`, or None to show nothing.
"""

from importlib import import_module
from importlib.util import find_spec

from ion_portal.sitemaps import DOMAIN_APPS


def home_blocks(request) -> list[dict]:
    blocks = []
    for app in DOMAIN_APPS:
        if find_spec(f"{app}.home") is None:
            continue
        block = import_module(f"{app}.home").home_block(request)
        if block:
            blocks.append(block)
    return blocks

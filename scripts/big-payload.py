#!/usr/bin/env python3
"""Make one big Salla order.created payload for memory and speed measurements.

    scripts/big-payload.py SIZE_MB OUT [--invalid]

The bundled sample's items are repeated (with fresh ids) until the file is
about SIZE_MB megabytes. With --invalid five fields of every item get the wrong
type (`quantity`, `weight` strings; `sku`, `name`, `currency` integers), so
the payload carries five schema errors per item (100,000+ from 50 MB on). The output depends only on
the arguments. A measuring tool, not part of whi.
"""
import copy
import json
import sys
from pathlib import Path

here = Path(__file__).resolve().parent.parent
size_mb, out = float(sys.argv[1]), sys.argv[2]
invalid = "--invalid" in sys.argv[3:]
doc = json.loads((here / "samples/salla/order.created.json").read_text())
items = doc["data"]["items"]
one = sum(len(json.dumps(i, ensure_ascii=False, indent=2)) for i in items) / len(items)
count = max(1, int(size_mb * 1e6 / (one * 1.35)))
made = []
for n in range(count):
    item = copy.deepcopy(items[n % len(items)])
    item["id"] = 1_000_000_000 + n
    if invalid:
        item["quantity"] = str(item["quantity"])
        item["sku"] = n
        item["name"] = n
        item["currency"] = n
        item["weight"] = str(item["weight"])
    made.append(item)
doc["data"]["items"] = made
with open(out, "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, indent=2)
print(f"{out}: {count} items, {Path(out).stat().st_size / 1e6:.1f} MB", file=sys.stderr)

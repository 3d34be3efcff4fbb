#!/usr/bin/env bash
# Issue 17: what the bundles are made of, by crate — twiggy's shallow sizes of the
# release wasm (before wasm-bindgen and wasm-opt, where function names are still known),
# summed per crate. Writes bench/results/wasm-contributors.json and prints the top 15.
# Usage: bench/wasm-contributors.sh   (after scripts/build-site.sh --release;
# installs twiggy with cargo on first use)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v twiggy >/dev/null || cargo install twiggy --locked
target="${CARGO_TARGET_DIR:-target}"
agents="$target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm"
customers="$target/front/wasm32-unknown-unknown/wasm-release/customer.wasm"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
twiggy top -n 1000000 -f csv "$agents" >"$tmp/agents.csv"
twiggy top -n 1000000 -f csv "$customers" >"$tmp/customers.csv"
python3 - "$tmp" <<'PY'
import csv, json, re, sys, collections
tmp = sys.argv[1]
def crate(name):
    # "<T as tachys::view::…>::f" → tachys; "serde_json::de::…" → serde_json
    if name.startswith(('"function names"', 'custom section', 'data segment', 'table[', 'elem[', 'type[', 'import ', 'export ', 'global', 'memory')):
        return 'sections and data: ' + name.split('[')[0].split(' ')[0].strip('"')
    m = re.findall(r'([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::', name)
    skip = {'core', 'alloc', 'std', 'impl'}
    for c in m:
        if c not in skip:
            return c
    return m[0] if m else 'other'
out = {}
for which in ('agents', 'customers'):
    sums = collections.Counter()
    total = 0
    for row in csv.DictReader(open(f'{tmp}/{which}.csv')):
        size = int(row['ShallowSize'])
        total += size
        if 'function names' in row['Name'] or 'custom section' in row['Name']:
            continue  # dropped by wasm-bindgen / wasm-opt
        sums[crate(row['Name'])] += size
    code = sum(sums.values())
    out[which] = {'code_and_data_bytes': code, 'by_crate': dict(sums.most_common(25))}
    print(f'{which}: {code} bytes of code and data (before wasm-opt)')
    for name, size in sums.most_common(15):
        print(f'  {name:40} {size:>9}')
json.dump(out, open('bench/results/wasm-contributors.json', 'w'), indent=2)
PY

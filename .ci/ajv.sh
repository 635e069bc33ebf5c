#!/usr/bin/env bash
# The exported schemas work in another validator: ajv-cli (draft 2020-12,
# formats from ajv-formats) validates every bundled sample against its
# schema exported as a folder (the _defs file given with -r) and exported
# with --bundle (one file), and rejects an invalid fixture both ways.
# Usage: .ci/ajv.sh WHI_BINARY TOOLS_DIR   (ajv-cli installed into TOOLS_DIR)
set -euo pipefail
whi=$(realpath "$1")
tools=$(realpath "$2")
root=$PWD
ajv="$tools/node_modules/.bin/ajv"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$whi" schemas export "$work/folder" >/dev/null
"$whi" schemas export --bundle "$work/bundle" >/dev/null
checked=0
for sample in samples/*/*.json; do
  provider=$(basename "$(dirname "$sample")")
  schema="$(basename "$sample" .json).schema.json"
  # Every sibling the schema may refer to (_defs, or another event's file).
  refs=()
  for other in "$work/folder/$provider"/*.schema.json; do
    [ "$(basename "$other")" != "$schema" ] && refs+=(-r "$(basename "$other")")
  done
  (cd "$work/folder/$provider" &&
    "$ajv" validate --spec=draft2020 --strict=false -c ajv-formats \
      -s "$schema" "${refs[@]}" -d "$root/$sample" >/dev/null)
  (cd "$work/bundle/$provider" &&
    "$ajv" validate --spec=draft2020 --strict=false -c ajv-formats \
      -s "$schema" -d "$root/$sample" >/dev/null)
  checked=$((checked + 1))
done
bad=tests/fixtures/invalid/snipcart/order.status.changed.enum.json
for mode in folder bundle; do
  refs=()
  [ "$mode" = folder ] && refs=(-r _defs.schema.json)  # snipcart's only sibling it needs
  # Rejected for the right reason: the data is invalid (an enum), not the
  # schema unreadable.
  said=$(cd "$work/$mode/snipcart" &&
    "$ajv" validate --spec=draft2020 --strict=false -c ajv-formats --errors=line \
      -s order.status.changed.schema.json "${refs[@]}" -d "$root/$bad" 2>&1) && {
    echo "ajv accepted $bad with the $mode export" >&2
    exit 1
  }
  if ! grep -q "$bad invalid" <<<"$said" || ! grep -q '"keyword":"enum"' <<<"$said"; then
    echo "ajv failed on $bad with the $mode export, but not on its enum: $said" >&2
    exit 1
  fi
done
echo "ajv: $checked samples valid against the folder and the --bundle export; $bad rejected by both"

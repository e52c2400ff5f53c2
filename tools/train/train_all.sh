#!/usr/bin/env bash
# Retrains both neural detectors from scratch and writes models/*.onnx and their model cards, then
# refits the composite (models/statistical.json, models/fusion.json) on their out-of-fold scores.
#   tools/train/train_all.sh [CORPUS_DIR]      (default ../shared/data/corpus)
# Needs Debian's torch: apt-get install -y python3-torch python3-onnx python3-pil python3-numpy
# Optional extra data first (see tools/train/README.md): tools/train/build_extra.py
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="${1:-$root/../shared/data/corpus}"
py=/usr/bin/python3

views="$root/tools/fit/.cache/views"
echo "== the fusion's crop views (scored out of fold by the networks for the composite's fit)"
(cd "$root" && npm run --silent build && node tools/fit/export-views.mjs "$corpus" "$views")

echo "== primaryNeural (NPR residual CNN)"
nice -n 10 "$py" "$here/primary/train.py" --corpus "$corpus" --oof-views "$views" --oof-out "$here/runs/primary-oof.csv"
"$py" "$here/primary/parity.py"
"$py" "$here/primary/card.py"

if [ -f "$here/secondary/train.py" ]; then
  echo "== secondaryNeural"
  nice -n 10 "$py" "$here/secondary/train.py" --corpus "$corpus"
else
  echo "== secondaryNeural: tools/train/secondary/train.py not present, skipped"
fi

echo "== composite: statistical mappings, then the stacker with the primary network's out-of-fold scores"
(cd "$root" && npm run --silent build && node tools/fit/fit-statistical.mjs "$corpus" \
  && node tools/fit/fit-fusion.mjs --corpus "$corpus" --oof primaryNeural="$here/runs/primary-oof.csv")

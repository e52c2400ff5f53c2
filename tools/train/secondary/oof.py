"""Out-of-fold scores of secondaryNeural on the fusion's crop views, for tools/fit/fit-fusion.mjs.

  node tools/fit/export-views.mjs          # once: the views as PNGs + index.csv
  /usr/bin/python3 tools/train/secondary/oof.py [--views tools/fit/.cache/views]

Uses the head recipe train.py chose (runs/secondary/metrics.json: feature set, L2) and its source-
grouped folds; each view is scored by the head fitted without the image's source. Backbone features
of the views are cached next to the training features.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import common  # noqa: E402
import convert  # noqa: E402
import features as F  # noqa: E402
import head  # noqa: E402
import oof_views  # noqa: E402
import preprocess as P  # noqa: E402
from model import Features  # noqa: E402
from train import SUBSETS, columns, train_matrix  # noqa: E402


def view_features(index, views_dir, extract_dir, cache_file, batch=16):
    key = np.array([f"{v['path']}|{v['view']}" for v in index])
    if os.path.exists(cache_file):
        z = np.load(cache_file, allow_pickle=False)
        if np.array_equal(z['key'], key):
            return z['x']
    feat = Features(extract_dir).eval()
    out, t0 = [], time.time()
    for i in range(0, len(index), batch):
        x = np.concatenate([P.prepare(oof_views.load_view(views_dir, v['file'])) for v in index[i:i + batch]])
        with torch.no_grad():
            out.append(feat(torch.from_numpy(x)).numpy())
        if i % 400 == 0:
            print(f'  view features {i}/{len(index)} {time.time() - t0:.0f}s', flush=True)
    x = np.concatenate(out).astype(np.float32)
    np.savez(cache_file, key=key, x=x)
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default=os.path.join(ROOT, '..', 'shared', 'data', 'corpus'))
    ap.add_argument('--views', default=os.path.join(ROOT, 'tools', 'fit', '.cache', 'views'))
    ap.add_argument('--cache', default=os.path.join(ROOT, 'tools', 'train', '.cache', 'nsfwjs'))
    ap.add_argument('--work', default=os.path.join(ROOT, 'tools', 'train', 'runs', 'secondary'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'tools', 'train', 'runs', 'secondary-oof.csv'))
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    meta = json.load(open(os.path.join(a.work, 'metrics.json')))['meta']
    extract = convert.ensure_extracted(a.cache)
    rows = common.load_manifest(a.corpus)
    feats = F.extract(rows, extract, os.path.join(a.work, 'features.npz'), n_aug=meta['n_aug'], seed=meta['seed'])
    index = oof_views.load_index(a.views)
    xv = view_features(index, a.views, extract, os.path.join(a.work, 'fusion-view-features.npz'))
    cols = columns(SUBSETS[meta['subset']])
    pos = {id(r): i for i, r in enumerate(rows)}
    row_of = {f"{v['path']}|{v['view']}": i for i, v in enumerate(index)}
    scored = []
    for train, val in common.grouped_folds(rows, meta['folds'], meta['seed']):
        ti = np.array([pos[id(r)] for r in train])
        params = head.fit(*train_matrix(feats, ti, cols, meta['n_aug'], rows), meta['l2'])
        held = oof_views.held_out_views(index, rows, {r['group'] for r in val})
        vi = np.array([row_of[f"{v['path']}|{v['view']}"] for v in held], dtype=int)
        if len(vi):
            scored += list(zip(held, head.predict(xv[vi][:, cols], params)))
    oof_views.write_scores(a.out, scored)
    print(f'out-of-fold scores of {len(scored)} views -> {a.out}')


if __name__ == '__main__':
    main()

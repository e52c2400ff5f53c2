"""Trains and exports xray's secondary network (models/secondary.onnx + models/secondary.md).

  /usr/bin/python3 tools/train/secondary/train.py [--corpus ../shared/data/corpus] [--seed 0]

Steps: fetch and convert the nsfwjs@4.4.0 MobileNetV2 (convert.py), cache frozen features of
augmented training crops and of the evaluation views (features.py), pick the head's feature set and
L2 strength by source-grouped cross-validation, fit the head on all images, export ONNX, write the
parity fixture and the model card. Needs Debian's python3-torch, python3-onnx, python3-pil, python3-numpy, and node + npm (npm fetches nsfwjs once).
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
import report  # noqa: E402
from model import TAPS, TAP_CHANNELS  # noqa: E402

# Feature sets compared by cross-validation. 'imagenet' stops inside the blocks nsfwjs left frozen
# (0-10), i.e. pure ImageNet features; 'all' adds the nsfwjs-tuned late blocks.
SUBSETS = {
    'imagenet': ['block_2_add', 'block_5_add', 'block_9_add'],
    'all': TAPS,
    'late': ['out_relu'],
}
# Strong L2 won in the first runs (the head has thousands of features for ~1100 images).
L2S = [0.1, 1.0, 10.0, 100.0]


def content_auc(rows, p, min_each=10):
    """Mean AUC within content types (photo, art, render) that hold >= min_each of both labels: a head
    that merely separates art from photos gains nothing here (BIASES.md: most AI images are art)."""
    y = np.array([r['label'] for r in rows])
    c = np.array([r.get('content', '') for r in rows])
    aucs = [common.auc(y[c == k], p[c == k]) for k in sorted(set(c))
            if ((c == k) & (y == 1)).sum() >= min_each and ((c == k) & (y == 0)).sum() >= min_each]
    return float(np.mean(aucs))


def columns(taps):
    idx, off = [], 0
    for t in TAPS:
        n = 2 * TAP_CHANNELS[t]
        if t in taps:
            idx.extend(range(off, off + n))
        off += n
    return np.array(idx)


def train_matrix(feats, idx, cols, n_aug, rows):
    X = np.concatenate([feats[f'aug{k}'][idx][:, cols] for k in range(n_aug)])
    y = np.concatenate([np.array([rows[i]['label'] for i in idx])] * n_aug)
    w = np.concatenate([head.row_weights([rows[i] for i in idx])] * n_aug)
    return X, y, w


def cross_validate(rows, feats, folds, n_aug, cols, l2):
    """Out-of-fold logits for every evaluation view."""
    pos = {id(r): i for i, r in enumerate(rows)}
    oof = {v: np.zeros(len(rows)) for v in F.EVAL_VIEWS}
    for train, val in folds:
        ti = np.array([pos[id(r)] for r in train])
        vi = np.array([pos[id(r)] for r in val])
        params = head.fit(*train_matrix(feats, ti, cols, n_aug, rows), l2)
        for v in F.EVAL_VIEWS:
            oof[v][vi] = head.predict(feats[v][vi][:, cols], params)
    return oof


def run_trials(rows, feats, folds, n_aug):
    y = np.array([r['label'] for r in rows])
    trials = []
    for name, taps in SUBSETS.items():
        cols = columns(taps)
        for l2 in L2S:
            oof = cross_validate(rows, feats, folds, n_aug, cols, l2)
            aucs = {v: common.auc(y, oof[v]) for v in F.EVAL_VIEWS}
            aucs['sf_within_content'] = content_auc(rows, oof['sf'])
            trials.append(dict(subset=name, l2=l2, auc=aucs, oof=oof))
            print(f'  {name:9s} l2={l2:g}  ' + '  '.join(f'{v} {aucs[v]:.3f}' for v in aucs), flush=True)
    return trials


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default=os.path.join(ROOT, '..', 'shared', 'data', 'corpus'))
    ap.add_argument('--models', default=os.path.join(ROOT, 'models'))
    ap.add_argument('--cache', default=os.path.join(ROOT, 'tools', 'train', '.cache', 'nsfwjs'))
    ap.add_argument('--work', default=os.path.join(ROOT, 'tools', 'train', 'runs', 'secondary'))
    ap.add_argument('--fixture', default=os.path.join(ROOT, 'test', 'fixtures', 'parity-secondary'))
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--n-aug', type=int, default=3)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--compare-native', action='store_true',
                    help='also cross-validate the alternative design (224 px native crops, no resize) for the card; ~16 min more')
    a = ap.parse_args()
    t0 = time.time()
    torch.set_num_threads(a.threads)
    common.seed_everything(a.seed)

    extract = convert.ensure_extracted(a.cache)
    rows = common.load_manifest(a.corpus)
    print(f'{len(rows)} images, {sum(r["label"] for r in rows)} AI; extracting features', flush=True)
    cache_file = os.path.join(a.work, 'features.npz')
    feats = F.extract(rows, extract, cache_file, n_aug=a.n_aug, seed=a.seed)
    t_feat = time.time() - t0
    feat_seconds = F.cache_seconds(cache_file)

    folds = common.grouped_folds(rows, a.folds, a.seed)
    trials = run_trials(rows, feats, folds, a.n_aug)
    native = None
    if a.compare_native:
        print('alternative design: native 224 px crops', flush=True)
        nf = F.extract(rows, extract, os.path.join(a.work, 'features_native.npz'), n_aug=a.n_aug, seed=a.seed, mode='native')
        native = [dict(subset=t['subset'], l2=t['l2'], **t['auc']) for t in run_trials(rows, nf, folds, a.n_aug)]
    # The shortcut-free view decides (BIASES.md), within content types so "art => AI" earns nothing.
    best = max(trials, key=lambda t: t['auc']['sf_within_content'])
    print(f'chosen: {best["subset"]} l2={best["l2"]}', flush=True)

    taps = SUBSETS[best['subset']]
    cols = columns(taps)
    params = head.fit(*train_matrix(feats, np.arange(len(rows)), cols, a.n_aug, rows), best['l2'])
    t_train = time.time() - t0

    import export  # torch.onnx import is slow; only needed here
    onnx_path = os.path.join(a.models, 'secondary.onnx')
    net = export.build_net(extract, taps, params)
    export.to_onnx(net, onnx_path)
    fixture = export.write_parity_fixture(net, a.fixture)
    # The exported graph must reproduce the cached features' head output on the same input.
    check = export.check_against_cache(net, rows, head.predict(feats['raw'][:3][:, cols], params))
    print('export check', check, flush=True)

    summary = report.summarise(rows, best['oof'], trials, folds)
    summary['native_trials'] = native
    meta = dict(seed=a.seed, folds=a.folds, n_aug=a.n_aug, subset=best['subset'], taps=taps, l2=best['l2'],
                n_features=int(len(cols)), params=int(sum(p.numel() for p in net.parameters())),
                onnx_bytes=os.path.getsize(onnx_path), feature_seconds=round(feat_seconds) if feat_seconds else None, total_seconds=round(time.time() - t0), features_cached=bool(t_feat < 0.5 * (feat_seconds or 0)),
                head_seconds=round(t_train - t_feat), parity=fixture, export_check=check)
    with open(os.path.join(a.work, 'metrics.json'), 'w') as f:
        json.dump(dict(meta=meta, summary=summary), f, indent=1)
    report.write_card(os.path.join(a.models, 'secondary.md'), rows, meta, summary)
    print(f'done in {time.time() - t0:.0f}s; wrote {onnx_path} ({meta["onnx_bytes"]} bytes) and models/secondary.md')


if __name__ == '__main__':
    main()

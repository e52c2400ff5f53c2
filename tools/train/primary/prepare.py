"""Decode every image once and cache what training and validation need (uint8, git-ignored runs/cache/).

Per image: K random native-resolution training crops (TRAIN_CROP px, so a 0.5× downscale still
leaves a full network crop), and the inference crop grid of four views: the raw file, the
shortcut-free view, the file after JPEG q75, and after a 0.5× downscale. Real images also get one
TAEF2 reconstruction of their first training crop (content-aligned fake).
"""
import argparse
import hashlib
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import common  # noqa: E402
from crops import grid_crops  # noqa: E402

TRAIN_CROP = 128
K = 4


def _key(path: str) -> str:
    return hashlib.sha1(path.encode()).hexdigest()[:16]


def views(img: np.ndarray) -> dict:
    h, w = img.shape[:2]
    out = {'raw': grid_crops(img), 'sf': grid_crops(common.shortcut_free_view(img, 256, 90)),
           'q75': grid_crops(common.jpeg(img, 75))}
    half = common.resize(img, round(w * 0.5), round(h * 0.5))
    out['half'] = grid_crops(half)
    return out


def train_crops(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    if min(h, w) < TRAIN_CROP:  # rare; both classes alike
        s = TRAIN_CROP / min(h, w)
        img = common.resize(img, round(w * s), round(h * s))
        h, w = img.shape[:2]
    out = []
    for _ in range(K):
        y = int(rng.integers(0, h - TRAIN_CROP + 1))
        x = int(rng.integers(0, w - TRAIN_CROP + 1))
        out.append(img[y:y + TRAIN_CROP, x:x + TRAIN_CROP])
    return np.stack(out)


TAEF2_PER_SOURCE = 60  # the autoencoder costs ~0.6 CPU-s per crop; this keeps the whole run in budget


def taef2_selected(rows) -> set:
    """Real images that get a TAEF2 twin: per source, the first TAEF2_PER_SOURCE by a hash of the file's identity."""
    by = {}
    for r in rows:
        if r['label'] == 0:
            by.setdefault(r['group'], []).append(r)
    keep = set()
    for g, rs in by.items():
        rs = sorted(rs, key=lambda r: _key(r['source_repo'] + ':' + r['source_path']))
        keep |= {r['abs_path'] for r in rs[:TAEF2_PER_SOURCE]}
    return keep


def prepare(rows, cache_dir, seed, taef2_dir=None):
    os.makedirs(cache_dir, exist_ok=True)
    twins = taef2_selected(rows)
    taef2 = None
    t0 = time.time()
    for i, r in enumerate(rows):
        f = os.path.join(cache_dir, _key(r['abs_path']) + '.npz')
        want_twin = r['abs_path'] in twins and taef2_dir
        if os.path.exists(f):
            if not want_twin:
                continue
            with np.load(f) as z:
                if 'taef2' in z.files:
                    continue
                d = {k: z[k] for k in z.files}  # cached by a run without --taef2-pairs: add the twin only
        else:
            # seeded by what the file is, not where it lies, so another machine draws the same crops
            rng = np.random.default_rng([seed, int(_key(r['source_repo'] + ':' + r['source_path']), 16) % (2 ** 32)])
            img = common.load_rgb(r['abs_path'])
            d = {'train': train_crops(img, rng), **views(img)}
        if want_twin:
            if taef2 is None:
                import torch
                torch.set_num_threads(1)
                from taef2 import TAEF2
                taef2 = TAEF2(taef2_dir)
            d['taef2'] = taef2.reconstruct(d['train'][:1])
        np.savez(f, **d)
        if i % 50 == 0:
            print(f'{i}/{len(rows)} {time.time() - t0:.0f}s', flush=True)


def load(rows, cache_dir):
    """Attach cached arrays to rows (in place) and return them; TAEF2 twins only for the selected rows."""
    twins = taef2_selected(rows)
    for r in rows:
        with np.load(os.path.join(cache_dir, _key(r['abs_path']) + '.npz')) as z:
            r.update({k: z[k] for k in z.files if k != 'taef2' or r['abs_path'] in twins})
    return rows


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', action='append', required=True)
    ap.add_argument('--cache', default=os.path.join(HERE, '..', 'runs', 'cache'))
    ap.add_argument('--taef2', default=None)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    rows = [r for c in a.corpus for r in common.load_manifest(c)]
    prepare(rows, a.cache, a.seed, a.taef2)

"""Caches frozen-backbone features of every corpus image under several views, so heads can be fitted
and cross-validated in seconds. Views per image:
  raw      the inference preprocessing on the file as stored (centred square, area resize)
  sf       the shortcut-free view (common.shortcut_free_view: 256 px centred crop, JPEG q90)
  jpeg75   the file re-encoded at JPEG q75, then the inference preprocessing
  half     the file downscaled 0.5x (bicubic), then the inference preprocessing
  aug{k}   training crops: common.augment (both classes alike), then a random square crop at native
           resolution (side between min(224, short side) and the short side), area-resized to 224
"""
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import common  # noqa: E402
import preprocess as P  # noqa: E402
from model import Features  # noqa: E402

EVAL_VIEWS = ['raw', 'sf', 'jpeg75', 'half']


def random_square(img, rng):
    h, w = img.shape[:2]
    s_max = min(h, w)
    s_min = min(P.SIZE, s_max)
    s = int(rng.integers(s_min, s_max + 1))
    y = int(rng.integers(0, h - s + 1))
    x = int(rng.integers(0, w - s + 1))
    return img[y:y + s, x:x + s]


def native_views(img, n_aug, rng):
    """The 'native' design: 224 px crops at native resolution, no resize (sf is resized 256 -> 224 as before)."""
    h, w = img.shape[:2]
    out = {
        'raw': P.to_input(common.centre_square(img, P.SIZE).astype(np.float64)),
        'sf': P.prepare(common.shortcut_free_view(img, 256, 90)),
        'jpeg75': P.to_input(common.centre_square(common.jpeg(img, 75), P.SIZE).astype(np.float64)),
        'half': P.to_input(common.centre_square(common.resize(img, round(w / 2), round(h / 2)), P.SIZE).astype(np.float64)),
    }
    for k in range(n_aug):
        # crop a 448 px region first so the augmentation's JPEG and resize stay cheap on big images
        region = common.centre_square(img, 2 * P.SIZE) if min(h, w) < 2 * P.SIZE else random_square_of(img, 2 * P.SIZE, rng)
        a = common.augment(region, rng)
        a = common.centre_square(a, P.SIZE) if min(a.shape[:2]) <= P.SIZE else random_square_of(a, P.SIZE, rng)
        out[f'aug{k}'] = P.to_input(a.astype(np.float64))
    return out


def random_square_of(img, s, rng):
    h, w = img.shape[:2]
    y = int(rng.integers(0, h - s + 1))
    x = int(rng.integers(0, w - s + 1))
    return img[y:y + s, x:x + s]


def views(img, n_aug, rng):
    h, w = img.shape[:2]
    out = {
        'raw': P.prepare(img),
        'sf': P.prepare(common.shortcut_free_view(img, 256, 90)),
        'jpeg75': P.prepare(common.jpeg(img, 75)),
        'half': P.prepare(common.resize(img, round(w / 2), round(h / 2))),
    }
    for k in range(n_aug):
        a = common.augment(img, rng)
        out[f'aug{k}'] = P.to_input(P.area_resize(random_square(a, rng)))
    return out


def extract(rows, extract_dir, cache_file, n_aug=3, seed=0, batch=8, mode='resize'):
    """Returns {view: N x D float32}; reuses cache_file when it matches the rows, seed and n_aug."""
    key = np.array([r['path'] for r in rows] + [f'seed={seed}', f'n_aug={n_aug}'] + ([f'mode={mode}'] if mode != 'resize' else []))
    if os.path.exists(cache_file):
        z = np.load(cache_file, allow_pickle=False)
        if np.array_equal(z['key'], key):
            return {k[2:]: z[k] for k in z.files if k.startswith('v_')}
    feat = Features(extract_dir).eval()
    names = EVAL_VIEWS + [f'aug{k}' for k in range(n_aug)]
    out = {n: [] for n in names}
    pending = []
    t0 = time.time()

    def flush():
        x = torch.from_numpy(np.concatenate([p for _, p in pending]))
        with torch.no_grad():
            f = feat(x).numpy()
        for (n, _), v in zip(pending, f):
            out[n].append(v)
        pending.clear()

    for i, r in enumerate(rows):
        rng = np.random.default_rng([seed, i])
        img = common.load_rgb(r['abs_path'])
        for n, x in (native_views if mode == 'native' else views)(img, n_aug, rng).items():
            pending.append((n, x))
            if len(pending) >= batch:
                flush()
        if i % 100 == 0:
            print(f'  features {i}/{len(rows)}  {time.time() - t0:.0f}s', flush=True)
    if pending:
        flush()
    res = {n: np.stack(v).astype(np.float32) for n, v in out.items()}
    os.makedirs(os.path.dirname(cache_file), exist_ok=True)
    np.savez(cache_file, key=key, seconds=np.array(time.time() - t0), **{f'v_{n}': v for n, v in res.items()})
    return res


def cache_seconds(cache_file):
    """How long the cached extraction took when it ran (None if unknown)."""
    z = np.load(cache_file, allow_pickle=False)
    return float(z['seconds']) if 'seconds' in z.files else None

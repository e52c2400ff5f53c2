"""Training batches: classes balanced, sources balanced (weight ∝ √size, so one large source cannot
dominate and a one-image source is not repeated endlessly), content-aligned TAEF2 pairs augmented
identically on both sides, a curriculum from mild to strong degradation."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402
from crops import CROP  # noqa: E402

LOSSLESS = {'PNG', 'WEBP', 'TIFF', 'GIF'}


def _pick(groups, rng):
    names = sorted(groups)
    w = np.sqrt([len(groups[g]) for g in names])
    g = names[rng.choice(len(names), p=w / w.sum())]
    return groups[g][rng.integers(len(groups[g]))]


class Sampler:
    def __init__(self, rows, cfg, rng):
        self.rng = rng
        self.by_label = {0: {}, 1: {}}
        for r in rows:
            self.by_label[r['label']].setdefault(r['group'], []).append(r)
        self.pairs = [r for r in rows if 'taef2' in r]
        self.pair_share = getattr(cfg, 'pair_share', 0.5) if self.pairs else 0.0

    def _degrade(self, img, label, lossless, progress, seed):
        # a separate stream for the AI-only step, so both halves of a pair get identical augmentation
        pre = np.random.default_rng(seed + 1)
        rng = np.random.default_rng(seed)
        # AI files here are mostly lossless and real ones JPEG: giving AI crops a prior JPEG pass half the
        # time evens out compression history, so "already JPEG'd once" cannot mean "real"
        if label == 1 and lossless and pre.random() < 0.5:
            img = common.jpeg(img, int(pre.integers(70, 97)))
        ramp = min(1.0, progress / 0.5)
        img = common.augment(img, rng, jpeg_min=int(round(90 - 30 * ramp)), p_resize=0.15 + 0.35 * ramp)
        h, w = img.shape[:2]
        y, x = int(rng.integers(0, h - CROP + 1)), int(rng.integers(0, w - CROP + 1))
        img = img[y:y + CROP, x:x + CROP]
        if rng.random() < 0.5:
            img = img[:, ::-1]
        return img

    def batch(self, n, progress=1.0):
        rng = self.rng
        xs, ys = [], []
        n_pairs = int(n * self.pair_share) // 2
        for _ in range(n_pairs):
            r = self.pairs[rng.integers(len(self.pairs))]
            seed = int(rng.integers(2 ** 31))
            xs.append(self._degrade(r['train'][0], 0, False, progress, seed))
            xs.append(self._degrade(r['taef2'][0], 1, True, progress, seed))
            ys += [0.0, 1.0]
        while len(xs) < n:
            label = int(len(xs) % 2)
            r = _pick(self.by_label[label], rng)
            crop = r['train'][rng.integers(len(r['train']))]
            xs.append(self._degrade(crop, label, r.get('format', '').upper() in LOSSLESS, progress,
                                    int(rng.integers(2 ** 31))))
            ys.append(float(label))
        return np.ascontiguousarray(np.stack(xs)), np.array(ys, np.float32)

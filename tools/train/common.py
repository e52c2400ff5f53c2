"""Shared pieces of xray's training code: corpus reading, grouped splits, the shortcut-free view,
augmentation applied to both classes alike, and the metrics every model card reports.

Imported by tools/train/primary/ and tools/train/secondary/ (via sys.path); keep the names stable.
Runs with Debian's /usr/bin/python3 (numpy, PIL); no torch here so the data code stays testable alone.
"""
from __future__ import annotations

import csv
import io
import os
import random
import re
from collections import defaultdict

import numpy as np
from PIL import Image, ImageFilter

Image.MAX_IMAGE_PIXELS = 200_000_000


# ---------------------------------------------------------------- corpus

def _family(generator: str) -> str:
    """Generator family: 'sd1.5-finetune:deliberate-2.0' and 'hunyuan-dit (v1.2)' belong with their kin."""
    g = generator.strip().lower()
    g = g.split(' (')[0].split(':')[0].strip()
    if re.fullmatch(r'sd1(\.\d|\.x)?', g):
        g = 'sd1'
    return g


def _source(repo: str) -> str:
    """Debian packages differ by version string only in the manifest; the package is the source."""
    if repo.startswith('debian:'):
        return repo.split(' ')[0]
    return repo


def load_manifest(corpus_dir: str) -> list[dict]:
    """Rows of <corpus_dir>/manifest.csv with abs_path, label (0 real / 1 ai) and group (the held-out unit).

    group = source repository; where one repository holds AI images of several generator families,
    the family is appended, so a held-out fold removes a whole generator, not a few of its files.
    """
    path = os.path.join(corpus_dir, 'manifest.csv')
    with open(path, newline='', encoding='utf-8') as f:
        raw = list(csv.DictReader(f))
    families = defaultdict(set)
    for r in raw:
        if r['label'] == 'ai':
            families[_source(r['source_repo'])].add(_family(r['generator']))
    rows = []
    for r in raw:
        row = dict(r)
        row['abs_path'] = os.path.abspath(os.path.join(corpus_dir, r['path']))
        lab = r['label'].strip().lower()
        if lab not in ('ai', 'real', '0', '1'):
            raise ValueError(f'{path}: unknown label {r["label"]!r} for {r["path"]}')
        row['label'] = 1 if lab in ('ai', '1') else 0
        src = _source(r['source_repo'])
        if row['label'] == 1 and len(families[src]) > 1:
            src = f'{src}|{_family(r["generator"])}'
        row['group'] = src
        rows.append(row)
    return rows


def grouped_folds(rows: list[dict], k: int, seed: int) -> list[tuple[list[dict], list[dict]]]:
    """k folds that split by group, never by file.

    Groups are split by their majority label and each kind is dealt out largest-first to the fold
    with the fewest images of that label, so every validation fold holds AI and real images whenever
    each label has at least k groups.
    """
    by_group = defaultdict(list)
    for r in rows:
        by_group[r['group']].append(r)
    rng = random.Random(seed)
    names = sorted(by_group)
    rng.shuffle(names)
    fold_of = {}
    for lab in (1, 0):
        mine = [g for g in names if round(np.mean([r['label'] for r in by_group[g]])) == lab]
        # stable for equal sizes because `names` was shuffled with the seed first
        mine.sort(key=lambda g: -len(by_group[g]))
        load = [0] * k
        for g in mine:
            f = min(range(k), key=lambda i: (load[i], i))
            fold_of[g] = f
            load[f] += len(by_group[g])
    folds = []
    for i in range(k):
        val = [r for r in rows if fold_of[r['group']] == i]
        train = [r for r in rows if fold_of[r['group']] != i]
        folds.append((train, val))
    return folds


# ---------------------------------------------------------------- pixels

def load_rgb(path: str) -> np.ndarray:
    """Pixels as stored: first frame, no EXIF rotation, alpha dropped (not composited), like sharp's removeAlpha()."""
    with Image.open(path) as im:
        try:
            im.seek(0)
        except EOFError:
            pass
        if im.mode in ('I;16', 'I;16B', 'I;16L', 'I'):
            a = np.asarray(im).astype(np.float64)
            a = np.clip(a / (256.0 if a.max() > 255 else 1.0), 0, 255).astype(np.uint8)
            return np.ascontiguousarray(np.stack([a] * 3, axis=-1))
        if im.mode == 'P':
            im = im.convert('RGBA')
        if im.mode != 'RGB':
            im = im.convert('RGBA').convert('RGB') if 'A' in im.mode else im.convert('RGB')
        return np.ascontiguousarray(np.asarray(im, dtype=np.uint8))


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    """One JPEG round trip (4:2:0, the default of most encoders), metadata-free."""
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format='JPEG', quality=int(quality))
    buf.seek(0)
    with Image.open(buf) as im:
        return np.asarray(im.convert('RGB'), dtype=np.uint8)


def resize(img: np.ndarray, w: int, h: int) -> np.ndarray:
    return np.asarray(Image.fromarray(img).resize((max(1, int(w)), max(1, int(h))), Image.BICUBIC), dtype=np.uint8)


def centre_square(img: np.ndarray, size: int) -> np.ndarray:
    """Centred size×size crop at native resolution; images smaller than size are upscaled (short side → size) first."""
    h, w = img.shape[:2]
    if min(h, w) < size:
        s = size / min(h, w)
        img = resize(img, round(w * s), round(h * s))
        h, w = img.shape[:2]
    y, x = (h - size) // 2, (w - size) // 2
    return np.ascontiguousarray(img[y:y + size, x:x + size])


def shortcut_free_view(img: np.ndarray, size: int = 256, quality: int = 90) -> np.ndarray:
    """Shape, size, format and metadata made constant: centred square crop, one JPEG quality."""
    return jpeg(centre_square(img, size), quality)


def augment(img: np.ndarray, rng: np.random.Generator, jpeg_min: int = 60, p_resize: float = 0.5) -> np.ndarray:
    """Applied to both classes alike, so downscaling, blur, noise and compression cannot tell the label.

    Order follows an image's life: resampled, softened, noisy, then re-compressed (JPEG last).
    jpeg_min and p_resize let a trainer run a curriculum from mild to strong; defaults are the full range.
    """
    h, w = img.shape[:2]
    if rng.random() < p_resize:
        s = rng.uniform(0.5, 1.0)
        img = resize(img, round(w * s), round(h * s))
    if rng.random() < 0.2:
        img = np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0))), dtype=np.uint8)
    if rng.random() < 0.2:
        noise = rng.normal(0.0, rng.uniform(1.0, 4.0), img.shape)
        img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if rng.random() < 0.75:
        img = jpeg(img, int(rng.integers(jpeg_min, 101)))
    return img


# ---------------------------------------------------------------- metrics

def auc(y, p) -> float | None:
    """Area under the ROC curve (AI = positive), ties counted half; None when a label is missing."""
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    n_pos, n_neg = int((y == 1).sum()), int((y == 0).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(p, kind='mergesort')
    ranks = np.empty(len(p), dtype=np.float64)
    sp = p[order]
    i = 0
    while i < len(sp):
        j = i
        while j + 1 < len(sp) and sp[j + 1] == sp[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def tpr_at_fpr(y, p, fpr: float = 0.05) -> float | None:
    """TPR at the strictest threshold whose false-positive rate does not exceed fpr."""
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    neg = np.sort(p[y == 0])[::-1]
    pos = p[y == 1]
    if len(neg) == 0 or len(pos) == 0:
        return None
    k = int(np.floor(fpr * len(neg)))
    thr = neg[min(k, len(neg) - 1)]
    return float((pos > thr).mean())


def metrics(y, p) -> dict:
    y = np.asarray(y)
    return dict(auc=auc(y, p), tpr_at_5fpr=tpr_at_fpr(y, p), n_pos=int((y == 1).sum()), n_neg=int((y == 0).sum()))


def per_group_metrics(rows: list[dict], p, threshold: float = 0.5) -> dict:
    """Per held-out group; p are probabilities of AI (0-1). One-label groups get TPR or FPR at threshold.

    '_pooled' holds AUC/TPR@5%FPR over all rows given, which is the number to trust for ranking.
    """
    p = np.asarray(p, dtype=np.float64)
    by = defaultdict(list)
    for i, r in enumerate(rows):
        by[r['group']].append(i)
    out = {}
    for g in sorted(by):
        idx = by[g]
        y = np.array([rows[i]['label'] for i in idx])
        pg = p[idx]
        m = metrics(y, pg)
        if m['auc'] is None:
            if m['n_pos']:
                m['tpr_at_0.5'] = float((pg >= threshold).mean())
            else:
                m['fpr_at_0.5'] = float((pg >= threshold).mean())
        out[g] = m
    out['_pooled'] = metrics([r['label'] for r in rows], p)
    return out


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    os.environ['PYTHONHASHSEED'] = str(seed)
    try:
        import torch
        torch.manual_seed(seed)
    except ImportError:
        pass

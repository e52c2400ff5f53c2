"""Out-of-fold scores of a neural detector on the fusion's crop views (tools/fit/export-views.mjs),
so tools/fit/fit-fusion.mjs can stack the networks with the statistical detectors on the same rows.
Each view is scored only by a model whose training never saw the image's source."""
import csv
import os

import numpy as np
from PIL import Image


def load_index(views_dir: str) -> list[dict]:
    """Rows path,view,file of views_dir/index.csv (path as in the corpus manifest)."""
    with open(os.path.join(views_dir, 'index.csv'), newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def load_view(views_dir: str, file: str) -> np.ndarray:
    with Image.open(os.path.join(views_dir, file)) as im:
        return np.ascontiguousarray(np.asarray(im.convert('RGB'), dtype=np.uint8))


def held_out_views(index: list[dict], corpus_rows: list[dict], held_groups: set) -> list[dict]:
    """The view rows whose corpus image belongs to a held-out group."""
    group_of = {r['path']: r['group'] for r in corpus_rows}
    return [v for v in index if group_of.get(v['path']) in held_groups]


def score_of(logit: float) -> float:
    """The detector's 0-100 score as src/detectors/*Neural.ts reports it (100·sigmoid), rounded as runDetectors rounds."""
    return float(np.floor(1000.0 / (1.0 + np.exp(-logit)) + 0.5)) / 10.0  # JS Math.round, not banker's


def write_scores(path: str, scored: list[tuple[dict, float]]) -> None:
    """CSV path,view,score; a view the network could not judge (NaN logit) is left out."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f)
        w.writerow(['path', 'view', 'score'])
        for v, logit in sorted(scored, key=lambda t: (t[0]['path'], t[0]['view'])):
            if np.isfinite(logit):
                w.writerow([v['path'], v['view'], score_of(logit)])

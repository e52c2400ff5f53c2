"""Writes the parity fixture: a small synthetic PNG and the logits the trained PyTorch model gives for
its crop grid. test/detectors/primaryNeural.test.ts runs the ONNX export through the TypeScript crop
code on the same PNG and must agree within 1e-3.

    /usr/bin/python3 tools/train/primary/parity.py   (after train.py; reads tools/train/runs/primary.pt)
"""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import common  # noqa: E402
from crops import CROP, GRID, grid_crops, to_input  # noqa: E402
from model import NPRNet  # noqa: E402


def synthetic(w=97, h=80, seed=3):
    """Odd size so the grid's floor division is exercised; smooth shading, nearest-×2 texture and noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    base = np.stack([128 + 90 * np.sin(xx / 13.0), 128 + 90 * np.cos(yy / 9.0), 60 + xx + yy * 0.5], -1)
    tex = rng.normal(0, 20, (h // 2 + 1, w // 2 + 1, 3)).repeat(2, 0).repeat(2, 1)[:h, :w]
    return np.clip(base + tex + rng.normal(0, 6, (h, w, 3)), 0, 255).astype(np.uint8)


def main():
    out_dir = os.path.join(ROOT, 'test', 'fixtures', 'parity')
    os.makedirs(out_dir, exist_ok=True)
    png = os.path.join(out_dir, 'primary.png')
    Image.fromarray(synthetic()).save(png)
    img = common.load_rgb(png)  # read back as the detector will see it
    state = torch.load(os.path.join(HERE, '..', 'runs', 'primary.pt'), map_location='cpu')
    width = state['stem.0.weight'].shape[0]
    model = NPRNet(width)
    model.load_state_dict(state)
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(to_input(grid_crops(img)))).numpy().astype(float)
    mean = float(logits.mean())
    doc = {'image': 'primary.png', 'width': int(img.shape[1]), 'height': int(img.shape[0]), 'crop': CROP, 'grid': GRID,
           'logits': [round(v, 6) for v in logits.tolist()], 'meanLogit': round(mean, 6),
           'score': round(100.0 / (1.0 + np.exp(-mean)), 6),
           'producedBy': 'tools/train/primary/parity.py (PyTorch model before ONNX export)'}
    with open(os.path.join(out_dir, 'primary.json'), 'w') as f:
        json.dump(doc, f, indent=1)
    print(json.dumps(doc))


if __name__ == '__main__':
    main()

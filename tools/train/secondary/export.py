"""ONNX export of the secondary network, and the parity fixture the TypeScript test checks."""
import json
import os

import numpy as np
import torch
from PIL import Image

import preprocess as P
from model import Features, SecondaryNet

PARITY_W, PARITY_H = 150, 112  # non-square on purpose: the test covers the centred crop too


def build_net(extract_dir, taps, params):
    mu, sd, beta, b = params
    return SecondaryNet(Features(extract_dir, taps), mu, sd, beta, b).eval()


def to_onnx(net, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    dummy = torch.zeros(1, 3, P.SIZE, P.SIZE)
    torch.onnx.export(net, dummy, path, input_names=['input'], output_names=['logit'], opset_version=13,
                      dynamic_axes={'input': {0: 'n'}, 'logit': {0: 'n'}}, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))


def parity_image(seed=1234):
    """Smooth shapes plus noise, so the resize and the network both see non-trivial content."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:PARITY_H, 0:PARITY_W].astype(np.float64)
    r = 128 + 90 * np.sin(xx / 9.0) * np.cos(yy / 13.0)
    g = 255 * ((xx - 70) ** 2 + (yy - 50) ** 2 < 900)
    b = 2 * xx
    img = np.stack([r, g, b], -1) + rng.normal(0, 12, (PARITY_H, PARITY_W, 3))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def write_parity_fixture(net, folder):
    os.makedirs(folder, exist_ok=True)
    img = parity_image()
    Image.fromarray(img).save(os.path.join(folder, 'input.png'))
    x = P.prepare(img)
    with torch.no_grad():
        logit = float(net(torch.from_numpy(x)).item())
    flat = x.reshape(-1)
    picks = [0, 1, 777, 224 * 224 + 5, 2 * 224 * 224 + 4321, flat.size - 1]
    expected = dict(logit=logit, input_sum=float(flat.astype(np.float64).sum()),
                    input_samples=[[i, float(flat[i])] for i in picks], width=PARITY_W, height=PARITY_H,
                    note='written by tools/train/secondary/train.py with the PyTorch model that was exported')
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
    return dict(logit=logit)


def check_against_cache(net, rows, cached_logits, n=3):
    """Max |exported module - head on cached features| for the first rows' raw view: the shipped
    graph must compute the same features the head was fitted on."""
    import common
    worst = 0.0
    for r, ref in zip(rows[:n], cached_logits[:n]):
        with torch.no_grad():
            got = float(net(torch.from_numpy(P.prepare(common.load_rgb(r['abs_path'])))).item())
        worst = max(worst, abs(got - float(ref)))
    return dict(n=n, max_abs_diff=worst)

"""Fetch nsfwjs@4.4.0, extract its MobileNetV2, rebuild it in PyTorch and (optionally) check the
rebuild against TensorFlow.js on the same inputs.

  /usr/bin/python3 tools/train/secondary/convert.py --cache tools/train/.cache/nsfwjs [--tfjs /tmp/tfjs-check]
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tarfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import keras_net  # noqa: E402

PACKAGE = 'nsfwjs@4.4.0'
# npm's dist.shasum for nsfwjs@4.4.0; a different tarball would silently change the backbone.
SHA1 = '706017d11e44de0803b73a568819f800a50ae470'
CHECK_LAYERS = ['block_10_project_BN', 'block_16_project_BN', 'out_relu', 'dense_3']


def ensure_extracted(cache):
    """npm pack + extract once; returns the folder with topology.json and weights.bin."""
    out = os.path.join(cache, 'extract')
    if os.path.exists(os.path.join(out, 'weights.bin')):
        return out
    os.makedirs(cache, exist_ok=True)
    tgz = os.path.join(cache, 'nsfwjs-4.4.0.tgz')
    if not os.path.exists(tgz):
        subprocess.run(['npm', 'pack', PACKAGE, '--pack-destination', cache], check=True)
    with open(tgz, 'rb') as f:
        got = hashlib.sha1(f.read()).hexdigest()
    if got != SHA1:
        raise SystemExit(f'{tgz}: sha1 {got}, expected {SHA1} (npm dist.shasum of {PACKAGE})')
    pkg = os.path.join(cache, 'pkg')
    with tarfile.open(tgz) as t:
        t.extractall(pkg)
    subprocess.run(['node', os.path.join(HERE, 'extract_nsfwjs.mjs'), os.path.join(pkg, 'package'), out], check=True)
    return out


def test_inputs(n=4, seed=0):
    """Noise and smooth gradients in [0, 1], NHWC: both high- and low-frequency content."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:224, 0:224] / 223.0
    xs = [rng.random((224, 224, 3)),
          np.stack([xx, yy, (xx + yy) / 2], -1),
          np.clip(np.stack([np.sin(xx * 20), np.cos(yy * 13), xx * yy], -1) * 0.5 + 0.5 + rng.normal(0, 0.05, (224, 224, 3)), 0, 1),
          rng.random((224, 224, 3)) ** 3]
    return np.stack(xs[:n]).astype(np.float32)


def verify(extract, tfjs_dir, tmp='/tmp/secondary-verify'):
    os.makedirs(tmp, exist_ok=True)
    x = test_inputs()
    x.tofile(os.path.join(tmp, 'in.bin'))
    subprocess.run(['node', os.path.join(HERE, 'verify_tfjs.mjs'), tfjs_dir, extract, os.path.join(tmp, 'in.bin'),
                    str(len(x)), ','.join(CHECK_LAYERS), os.path.join(tmp, 'out')], check=True)
    net = keras_net.build(extract)
    with torch.no_grad():
        got = net(torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(), taps=CHECK_LAYERS)
    worst = 0.0
    for name in CHECK_LAYERS:
        ref = np.fromfile(os.path.join(tmp, f'out.{name}.bin'), dtype=np.float32)
        t = got[name]
        mine = (t.permute(0, 2, 3, 1) if t.dim() == 4 else t).numpy().reshape(-1)
        d = float(np.abs(mine - ref).max())
        worst = max(worst, d)
        print(f'{name:22s} max|torch - tfjs| = {d:.3e}   (max |ref| {np.abs(ref).max():.3f})')
    return worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cache', default=os.path.join(HERE, '..', '.cache', 'nsfwjs'))
    ap.add_argument('--tfjs', help='folder with @tensorflow/tfjs installed, for the numeric check')
    a = ap.parse_args()
    torch.set_num_threads(1)
    extract = ensure_extracted(a.cache)
    print('extracted to', extract)
    if a.tfjs:
        print('worst max abs diff:', verify(extract, a.tfjs))


if __name__ == '__main__':
    main()

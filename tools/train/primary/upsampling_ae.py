"""Small autoencoders with different up-sampling decoders, trained here on real photo crops, to make
content-aligned fakes (AutoGAN, Zhang et al. 2019; dataset alignment, Rajan et al. ICLR 2025): a real
crop and its reconstruction differ mainly by the decoder's up-sampling traces, which is what
primaryNeural should learn, not content. Three decoders, three kinds of trace:
  nearest     nearest ×2 then 3×3 conv (the latent-diffusion VAE decoder's pattern)
  transposed  4×4 transposed conv, stride 2 (GAN generators; checkerboard traces)
  bilinear    bilinear ×2 then 3×3 conv
The encoder downsamples ×8 to 8 channels, so the decoder must redraw fine detail, as a generator's does.
"""
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

KINDS = ('nearest', 'transposed', 'bilinear')


def _up(kind, cin, cout):
    if kind == 'transposed':
        return nn.ConvTranspose2d(cin, cout, 4, stride=2, padding=1)
    return nn.Sequential(nn.Upsample(scale_factor=2, mode=kind, **({'align_corners': False} if kind == 'bilinear' else {})),
                         nn.Conv2d(cin, cout, 3, padding=1))


class UpsamplingAE(nn.Module):
    def __init__(self, kind, latent=8):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 48, 4, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(48, 48, 4, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(48, 48, 4, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(48, latent, 1))
        self.dec = nn.Sequential(
            nn.Conv2d(latent, 48, 1), nn.ReLU(),
            _up(kind, 48, 48), nn.ReLU(), nn.Conv2d(48, 48, 3, padding=1), nn.ReLU(),
            _up(kind, 48, 32), nn.ReLU(),
            _up(kind, 32, 32), nn.ReLU(), nn.Conv2d(32, 3, 3, padding=1))

    def forward(self, x):
        return torch.sigmoid(self.dec(self.enc(x)))


def _batch(crops, n, size, rng):
    idx = rng.integers(len(crops), size=n)
    out = np.empty((n, size, size, 3), np.uint8)
    for j, i in enumerate(idx):
        c = crops[i]
        y, x = rng.integers(0, c.shape[0] - size + 1), rng.integers(0, c.shape[1] - size + 1)
        out[j] = c[y:y + size, x:x + size]
    return torch.from_numpy(out).permute(0, 3, 1, 2).float() / 255.0


def train(kind, crops, seed, steps=500, batch=16, size=64, log=print):
    """crops: list of uint8 HxWx3 real crops. L1 reconstruction, Adam, seeded."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    m = UpsamplingAE(kind)
    opt = torch.optim.Adam(m.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    t0, run = time.time(), None
    for s in range(steps):
        x = _batch(crops, batch, size, rng)
        loss = F.l1_loss(m(x), x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run = loss.item() if run is None else 0.98 * run + 0.02 * loss.item()
        if s % 100 == 0 or s == steps - 1:
            log(f'  ae {kind} step {s}/{steps} L1 {run:.4f} {time.time() - t0:.0f}s')
    return m.eval()


def load_or_train(cache_dir, crops, seed, steps, log=print):
    """The three autoencoders, cached per (kind, seed, steps) in cache_dir."""
    os.makedirs(cache_dir, exist_ok=True)
    out = {}
    for i, kind in enumerate(KINDS):
        f = os.path.join(cache_dir, f'ae-{kind}-s{seed}-n{steps}.pt')
        if os.path.exists(f):
            m = UpsamplingAE(kind)
            m.load_state_dict(torch.load(f))
            out[kind] = m.eval()
        else:
            out[kind] = train(kind, crops, seed + i, steps, log=log)
            torch.save(out[kind].state_dict(), f)
    return out


@torch.no_grad()
def reconstruct(model, crops: np.ndarray) -> np.ndarray:
    """uint8 [N,H,W,3] (H, W multiples of 8) -> uint8 [N,H,W,3] redrawn by the decoder."""
    x = torch.from_numpy(np.ascontiguousarray(crops)).permute(0, 3, 1, 2).float() / 255.0
    return (model(x) * 255.0).round().byte().permute(0, 2, 3, 1).contiguous().numpy()

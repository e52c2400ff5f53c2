"""TAEF2 (tiny autoencoder for the FLUX.2 latent space, madebyollin/taesd, MIT) re-drawn here from
its published structure so the shared state dicts in ../shared/models/taef2 load into it.

Used only to make content-aligned fakes: real crop -> encoder -> decoder. The decoder's nearest-×2
up-sampling and convolutions leave the traces a latent-diffusion decoder leaves, on the real photo's content.
"""
import os

import numpy as np
import torch
from torch import nn


def _c3(cin, cout, stride=1, bias=True):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=bias)


class _Res(nn.Module):
    """Three 3×3 convs with a residual path; the deepest ones have a group-normed 1×1 branch added first."""

    def __init__(self, ch, gn=False):
        super().__init__()
        self.conv = nn.Sequential(_c3(ch, ch), nn.ReLU(), _c3(ch, ch), nn.ReLU(), _c3(ch, ch))
        self.pool = nn.Sequential(nn.Conv2d(ch, ch * 4, 1, bias=False), nn.GroupNorm(4, ch * 4), nn.ReLU(),
                                  nn.Conv2d(ch * 4, ch, 1, bias=False)) if gn else None
        self.act = nn.ReLU()

    def forward(self, x):
        if self.pool is not None:
            x = x + self.pool(x)
        return self.act(self.conv(x) + x)


class _Clamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


def encoder(latent=32):
    return nn.Sequential(
        _c3(3, 64), _Res(64),
        _c3(64, 64, 2, False), _Res(64), _Res(64), _Res(64),
        _c3(64, 64, 2, False), _Res(64), _Res(64), _Res(64),
        _c3(64, 64, 2, False), _Res(64, True), _Res(64, True), _Res(64, True),
        _c3(64, latent))


def decoder(latent=32):
    up = lambda: nn.Upsample(scale_factor=2, mode='nearest')  # noqa: E731
    return nn.Sequential(
        _Clamp(), _c3(latent, 64), nn.ReLU(),
        _Res(64, True), _Res(64, True), _Res(64, True), up(), _c3(64, 64, bias=False),
        _Res(64), _Res(64), _Res(64), up(), _c3(64, 64, bias=False),
        _Res(64), _Res(64), _Res(64), up(), _c3(64, 64, bias=False),
        _Res(64), _c3(64, 3))


class TAEF2(nn.Module):
    def __init__(self, weights_dir):
        super().__init__()
        self.encoder, self.decoder = encoder(), decoder()
        self.encoder.load_state_dict(torch.load(os.path.join(weights_dir, 'taef2_encoder.pth'), map_location='cpu'))
        self.decoder.load_state_dict(torch.load(os.path.join(weights_dir, 'taef2_decoder.pth'), map_location='cpu'))
        self.eval()

    @torch.no_grad()
    def reconstruct(self, crops: np.ndarray) -> np.ndarray:
        """uint8 [N,H,W,3] (H, W multiples of 8) -> uint8 [N,H,W,3] re-drawn by the decoder."""
        x = torch.from_numpy(crops).permute(0, 3, 1, 2).float() / 255.0
        y = self.decoder(self.encoder(x)).clamp(0, 1)
        return (y * 255.0).round().byte().permute(0, 2, 3, 1).contiguous().numpy()

"""The shipped secondary network: nsfwjs MobileNetV2 (frozen) -> mean/std pooling of several depths
-> standardisation -> one linear unit (logit, AI positive).

Pooling several depths lets the head use early, generic ImageNet features (blocks 0-10 were frozen
ImageNet weights in nsfwjs) as well as the late ones; std pooling keeps texture statistics that the
mean alone would wash out.
"""
import torch
import torch.nn as nn

import keras_net

TAPS = ['block_2_add', 'block_5_add', 'block_9_add', 'block_12_add', 'block_15_add', 'out_relu']
TAP_CHANNELS = {'block_2_add': 24, 'block_5_add': 32, 'block_9_add': 64, 'block_12_add': 96,
                'block_15_add': 160, 'out_relu': 1280}


def pool(t):
    """Per-channel mean and std over space; written out (no torch.std) to export to ONNX cleanly."""
    m = t.mean(dim=(2, 3))
    v = ((t - m[:, :, None, None]) ** 2).mean(dim=(2, 3))
    return torch.cat([m, torch.sqrt(v + 1e-6)], dim=1)


def feature_names(taps=TAPS):
    return [f'{t}:{stat}{c}' for t in taps for stat in ('mean', 'std') for c in range(TAP_CHANNELS[t])]


class Features(nn.Module):
    def __init__(self, extract_dir, taps=TAPS):
        super().__init__()
        self.taps = list(taps)
        self.net = keras_net.build(extract_dir, last='out_relu')

    def forward(self, x):
        acts = self.net(x, taps=self.taps)
        return torch.cat([pool(acts[t]) for t in self.taps], dim=1)


class SecondaryNet(nn.Module):
    """x: N x 3 x 224 x 224 float32 in [0, 1] -> N x 1 logit."""

    def __init__(self, features, mean, std, weight, bias):
        super().__init__()
        self.features = features
        self.register_buffer('mu', torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer('sd', torch.as_tensor(std, dtype=torch.float32))
        self.head = nn.Linear(len(mean), 1)
        self.head.weight.data.copy_(torch.as_tensor(weight, dtype=torch.float32).reshape(1, -1))
        self.head.bias.data.fill_(float(bias))

    def forward(self, x):
        return self.head((self.features(x) - self.mu) / self.sd)

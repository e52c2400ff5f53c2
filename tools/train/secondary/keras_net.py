"""A PyTorch network built from the Keras layer graph that nsfwjs ships (topology.json from
extract_nsfwjs.mjs), with its uint8-quantised weights dequantised as tfjs does: w = min + scale * q.

Built from the graph rather than from a hand-written MobileNetV2 so that the padding, strides and
skip connections are exactly those of the source model; `verify_tfjs.mjs` checks it numerically.
Input is NCHW float32 in [0, 1] (nsfwjs divides pixels by 255); inside, layers follow Keras semantics.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_weights(extract_dir):
    """Dequantised float32 arrays, keyed by Keras weight name ('Conv1/kernel', ...)."""
    with open(os.path.join(extract_dir, 'topology.json')) as f:
        topo = json.load(f)
    raw = np.fromfile(os.path.join(extract_dir, 'weights.bin'), dtype=np.uint8)
    out, off = {}, 0
    for group in topo['weightsManifest']:
        for w in group['weights']:
            n = int(np.prod(w['shape']))
            q = w['quantization']
            codes = raw[off:off + n].astype(np.float64)
            # tfjs dequantises in float32: min + scale*q
            out[w['name']] = (np.float32(q['min']) + np.float32(q['scale']) * codes.astype(np.float32)).astype(np.float32).reshape(w['shape'])
            off += n
    if off != raw.size:
        raise ValueError(f'weights.bin has {raw.size} bytes, manifest used {off}')
    return topo['modelTopology'], out


def _same_pad(k, stride):
    # Keras 'same' for stride 1 and odd kernels is symmetric; stride-2 layers here are 'valid' after ZeroPadding2D.
    if stride != 1:
        raise ValueError('same padding with stride > 1 is not used by this model')
    return (k - 1) // 2


class KerasGraphNet(nn.Module):
    """Runs the Keras functional graph up to `last` (a layer name). Dropout is identity (inference)."""

    SUPPORTED = {'InputLayer', 'ZeroPadding2D', 'Conv2D', 'DepthwiseConv2D', 'BatchNormalization', 'ReLU',
                 'Add', 'AveragePooling2D', 'Flatten', 'Dense', 'Dropout'}

    def __init__(self, topology, weights, last=None):
        super().__init__()
        layers = topology['model_config']['config']['layers']
        self.order, self.inputs, self.kinds, self.cfg = [], {}, {}, {}
        self.mods = nn.ModuleDict()
        for layer in layers:
            name, kind, cfg = layer['name'], layer['class_name'], layer['config']
            if kind not in self.SUPPORTED:
                raise ValueError(f'unsupported Keras layer {kind} ({name})')
            self.order.append(name)
            self.kinds[name] = kind
            self.cfg[name] = cfg
            self.inputs[name] = [n[0] for n in layer['inbound_nodes'][0]] if layer['inbound_nodes'] else []
            mod = self._build(name, kind, cfg, weights)
            if mod is not None:
                self.mods[name] = mod
            if name == last:
                break
        if last is not None and self.order[-1] != last:
            raise ValueError(f'layer {last} not found')

    @staticmethod
    def _build(name, kind, cfg, W):
        if kind == 'Conv2D':
            k = torch.from_numpy(W[f'{name}/kernel']).permute(3, 2, 0, 1).contiguous()
            s = cfg['strides'][0]
            pad = _same_pad(k.shape[-1], s) if cfg['padding'] == 'same' else 0
            m = nn.Conv2d(k.shape[1], k.shape[0], k.shape[-1], stride=s, padding=pad, bias=cfg['use_bias'])
            m.weight.data.copy_(k)
            if cfg['use_bias']:
                m.bias.data.copy_(torch.from_numpy(W[f'{name}/bias']))
            return m
        if kind == 'DepthwiseConv2D':
            k = torch.from_numpy(W[f'{name}/depthwise_kernel'])  # kh, kw, in, mult
            kh, kw, cin, mult = k.shape
            s = cfg['strides'][0]
            pad = _same_pad(kh, s) if cfg['padding'] == 'same' else 0
            m = nn.Conv2d(cin, cin * mult, kh, stride=s, padding=pad, groups=cin, bias=cfg['use_bias'])
            m.weight.data.copy_(k.permute(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw))
            return m
        if kind == 'BatchNormalization':
            g = torch.from_numpy(W[f'{name}/gamma'])
            m = nn.BatchNorm2d(g.shape[0], eps=cfg['epsilon'])
            m.weight.data.copy_(g)
            m.bias.data.copy_(torch.from_numpy(W[f'{name}/beta']))
            m.running_mean.copy_(torch.from_numpy(W[f'{name}/moving_mean']))
            m.running_var.copy_(torch.from_numpy(W[f'{name}/moving_variance']))
            return m
        if kind == 'Dense':
            k = torch.from_numpy(W[f'{name}/kernel'])
            m = nn.Linear(k.shape[0], k.shape[1])
            m.weight.data.copy_(k.t())
            m.bias.data.copy_(torch.from_numpy(W[f'{name}/bias']))
            return m
        return None

    def forward(self, x, taps=()):
        """Returns the last layer's output, or a dict of the named `taps` when given."""
        acts = {}
        got = {}
        for name in self.order:
            kind, cfg, ins = self.kinds[name], self.cfg[name], self.inputs[name]
            if kind == 'InputLayer':
                y = x
            else:
                a = acts[ins[0]]
                if kind == 'ZeroPadding2D':
                    (t, b), (l, r) = cfg['padding']
                    y = F.pad(a, (l, r, t, b))
                elif kind in ('Conv2D', 'DepthwiseConv2D', 'BatchNormalization'):
                    y = self.mods[name](a)
                elif kind == 'ReLU':
                    y = torch.clamp(a, 0.0, float(cfg['max_value'])) if cfg.get('max_value') else F.relu(a)
                elif kind == 'Add':
                    y = a
                    for other in ins[1:]:
                        y = y + acts[other]
                elif kind == 'AveragePooling2D':
                    y = F.avg_pool2d(a, cfg['pool_size'][0], cfg['strides'][0])
                elif kind == 'Flatten':
                    # channels_last flatten; identical to NCHW flatten once spatial size is 1x1
                    y = a.permute(0, 2, 3, 1).reshape(a.shape[0], -1)
                elif kind == 'Dense':
                    y = self.mods[name](a)
                    act = cfg['activation']
                    y = F.relu(y) if act == 'relu' else torch.softmax(y, -1) if act == 'softmax' else y
                else:  # Dropout
                    y = a
            acts[name] = y
            if name in taps:
                got[name] = y
        return got if taps else y


def build(extract_dir, last=None):
    topo, W = load_weights(extract_dir)
    net = KerasGraphNet(topo, W, last=last).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net

"""NPR-style detector (Tan et al., CVPR 2024): the network sees only x − up(down(x)) with nearest
neighbour ×2, i.e. how each 2×2 block departs from its top-left pixel — the local correlation that
generator up-sampling layers leave — followed by the first two stages of a ResNet-50."""
import torch
from torch import nn
import torch.nn.functional as F


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride=1):
        super().__init__()
        cout = planes * 4
        self.body = nn.Sequential(
            nn.Conv2d(cin, planes, 1, bias=False), nn.BatchNorm2d(planes), nn.ReLU(inplace=True),
            nn.Conv2d(planes, planes, 3, stride, 1, bias=False), nn.BatchNorm2d(planes), nn.ReLU(inplace=True),
            nn.Conv2d(planes, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.skip = None
        if stride != 1 or cin != cout:
            self.skip = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return F.relu(self.body(x) + (x if self.skip is None else self.skip(x)))


def npr(x: torch.Tensor) -> torch.Tensor:
    """x − up(down(x)). Slicing and repeat keep the ONNX graph to Slice/Expand-free ops ORT runs everywhere."""
    d = x[:, :, ::2, ::2]
    u = d.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
    return x - u[:, :, :x.shape[2], :x.shape[3]]


class NPRNet(nn.Module):
    def __init__(self, width=64, blocks=(3, 4)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], width
        for i, n in enumerate(blocks):
            planes = width * (2 ** i)
            for j in range(n):
                layers.append(Bottleneck(cin, planes, 2 if (i > 0 and j == 0) else 1))
                cin = planes * 4
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')

    def forward(self, x):
        """x: float32 NCHW in [0,1] -> logits [N]. The ×2/3 scale follows the NPR paper's code."""
        h = self.layers(self.stem(npr(x) * (2.0 / 3.0)))
        return self.fc(h.mean(dim=(2, 3))).squeeze(1)


def n_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())

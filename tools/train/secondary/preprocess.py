"""Input preparation for the secondary network, mirrored exactly by src/detectors/secondaryNeural.ts.

Centred square crop (side = min(w, h)) at native resolution, then an exact area-average resize to
224 x 224 (each output pixel is the coverage-weighted mean of the source pixels under it), then /255.
The area resize is written out here rather than borrowed from PIL/sharp so both languages compute
the same numbers (float64, separable, same weights).
"""
import numpy as np

SIZE = 224


def area_weights(src, dst):
    """(dst, src) matrix: row o holds the coverage of source pixels by [o*src/dst, (o+1)*src/dst), rows sum to 1."""
    m = np.zeros((dst, src), dtype=np.float64)
    scale = src / dst
    for o in range(dst):
        lo, hi = o * scale, (o + 1) * scale
        i = int(np.floor(lo))
        while i < hi and i < src:
            m[o, i] = min(hi, i + 1) - max(lo, i)
            i += 1
        m[o] /= hi - lo
    return m


def centre_square(rgb):
    """Centred square crop of an HxWx3 uint8 array; offsets floor((w-s)/2), floor((h-s)/2)."""
    h, w = rgb.shape[:2]
    s = min(h, w)
    y0, x0 = (h - s) // 2, (w - s) // 2
    return rgb[y0:y0 + s, x0:x0 + s]


def _banded(w):
    """Row o of w as (start, taps): the non-zero coverage weights are contiguous, at most ceil(scale)+1 long."""
    nz = w > 0
    start = nz.argmax(1)
    k = int(nz.sum(1).max())
    idx = np.minimum(start[:, None] + np.arange(k)[None, :], w.shape[1] - 1)
    taps = np.where(np.arange(k)[None, :] < nz.sum(1)[:, None], np.take_along_axis(w, idx, 1), 0.0)
    return idx, taps


def area_resize(square, size=SIZE):
    """Square HxHx3 uint8 -> size x size x 3 float64 (0..255). Rows first, then columns, as in the TS code."""
    idx, taps = _banded(area_weights(square.shape[0], size))
    x = square.astype(np.float64)
    tmp = np.einsum('ok,okxc->oxc', taps, x[idx])            # vertical pass: (size, s, 3)
    return np.einsum('pk,opkc->opc', taps, tmp[:, idx])      # horizontal pass: (size, size, 3)


def to_input(rgb_square_resized):
    """HxWx3 float (0..255) -> 1x3xHxW float32 in [0, 1], the nsfwjs normalisation."""
    return (rgb_square_resized / 255.0).astype(np.float32).transpose(2, 0, 1)[None]


def prepare(rgb):
    """Full inference preprocessing from an HxWx3 uint8 RGB array."""
    return to_input(area_resize(centre_square(rgb)))

"""The fixed crop grid of primaryNeural. src/detectors/primaryNeural.ts mirrors this exactly (parity test)."""
import numpy as np

CROP = 64
GRID = 4  # GRID × GRID crops, corners included, evenly spread


def grid_origins(width: int, height: int, crop: int = CROP, grid: int = GRID) -> list[tuple[int, int]]:
    """Top-left corners, row-major. Integer floor division so TypeScript's Math.floor agrees bit for bit."""
    if width < crop or height < crop:
        return []
    xs = [(i * (width - crop)) // (grid - 1) for i in range(grid)]
    ys = [(j * (height - crop)) // (grid - 1) for j in range(grid)]
    return [(x, y) for y in ys for x in xs]


def grid_crops(img: np.ndarray, crop: int = CROP, grid: int = GRID) -> np.ndarray:
    """uint8 [N,crop,crop,3]; N = 0 when the image is smaller than one crop (the detector then gives no score)."""
    h, w = img.shape[:2]
    o = grid_origins(w, h, crop, grid)
    if not o:
        return np.zeros((0, crop, crop, 3), np.uint8)
    return np.stack([img[y:y + crop, x:x + crop] for x, y in o])


def to_input(crops: np.ndarray) -> np.ndarray:
    """uint8 NHWC -> float32 NCHW in [0,1]: the only preprocessing; the NPR residual is inside the network."""
    return np.ascontiguousarray(crops.transpose(0, 3, 1, 2), dtype=np.float32) / np.float32(255.0)

/**
 * The benchmark's image sets, made deterministically (seeded PRNG) and cached under .cache/bench/.
 * Photo-like on purpose: smooth gradients, soft-edged shapes and sensor-like noise give JPEG and
 * PNG codecs realistic work (a flat or random image would make decoding unrealistically fast or slow).
 * A set is rebuilt when its folder or its stamp (which records the recipe) is missing or stale.
 */
import { copyFile, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';

/** Bump when the recipe below changes, so cached sets are rebuilt. */
const RECIPE = 2;

export const SETS = {
  jpeg2: { label: '2 MP JPEG', width: 1600, height: 1200, format: 'jpeg', count: 32, quickCount: 16 },
  jpeg12: { label: '12 MP JPEG', width: 4000, height: 3000, format: 'jpeg', count: 8, quickCount: 4 },
  png2: { label: '2 MP PNG', width: 1600, height: 1200, format: 'png', count: 12, quickCount: 6 },
  small: { label: '64×64 JPEG', width: 64, height: 64, format: 'jpeg', count: 10_000, quickCount: 1_000 },
};

/** mulberry32: tiny, fast and good enough to make pixels; the same seed gives the same bytes everywhere. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RGB pixels of one synthetic "photo". Pure: same (width, height, seed) → same buffer. */
export function renderPhoto(width, height, seed) {
  const rnd = prng(seed);
  const px = new Uint8Array(width * height * 3);
  const field = new Float32Array(width * height * 3);
  // Background: a bilinear blend of four corner colours plus two slow waves (sky, walls, shading).
  const corners = Array.from({ length: 4 }, () => [rnd() * 255, rnd() * 255, rnd() * 255]);
  const waves = Array.from({ length: 2 }, () => ({ fx: (rnd() * 3 + 0.5) / width, fy: (rnd() * 3 + 0.5) / height, ph: rnd() * 6.28, amp: 10 + rnd() * 20 }));
  for (let y = 0; y < height; y++) {
    const v = y / (height - 1 || 1);
    for (let x = 0; x < width; x++) {
      const u = x / (width - 1 || 1);
      let wave = 0;
      for (const w of waves) wave += w.amp * Math.sin(6.28 * (w.fx * x + w.fy * y) + w.ph);
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = corners[0][c] * (1 - u) + corners[1][c] * u;
        const bottom = corners[2][c] * (1 - u) + corners[3][c] * u;
        field[i + c] = top * (1 - v) + bottom * v + wave;
      }
    }
  }
  // Shapes: soft-edged ellipses with their own shading, so there are edges at many scales.
  const shapes = 12 + Math.floor(rnd() * 12);
  for (let s = 0; s < shapes; s++) {
    const rx = (0.03 + rnd() * 0.2) * width, ry = (0.03 + rnd() * 0.2) * height;
    const cx = rnd() * width, cy = rnd() * height;
    const col = [rnd() * 255, rnd() * 255, rnd() * 255];
    const shade = 0.3 + rnd() * 0.5;
    const edge = 1 + rnd() * 6;
    const x0 = Math.max(0, Math.floor(cx - rx - edge)), x1 = Math.min(width - 1, Math.ceil(cx + rx + edge));
    const y0 = Math.max(0, Math.floor(cy - ry - edge)), y1 = Math.min(height - 1, Math.ceil(cy + ry + edge));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = (x - cx) / rx, dy = (y - cy) / ry;
        const d = Math.sqrt(dx * dx + dy * dy);
        const a = Math.min(1, Math.max(0, (1 - d) * Math.min(rx, ry) / edge));
        if (a <= 0) continue;
        const light = 1 - shade * (dx * 0.5 + dy * 0.5 + 0.5);
        const i = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) field[i + c] = field[i + c] * (1 - a) + col[c] * light * a;
      }
    }
  }
  // Texture: value noise at a few scales (foliage, fabric, gravel), which gives the entropy coder
  // real work: without it a 2 MP JPEG is a third the size of a camera's.
  for (const [cell, amp] of [[2, 12], [6, 12], [24, 14], [96, 18]]) {
    const gw = Math.ceil(width / cell) + 2, gh = Math.ceil(height / cell) + 2;
    const grid = new Float32Array(gw * gh).map(() => (rnd() - 0.5) * 2 * amp);
    for (let y = 0; y < height; y++) {
      const gy = y / cell, j = Math.floor(gy), fy = gy - j;
      for (let x = 0; x < width; x++) {
        const gx = x / cell, k = Math.floor(gx), fx = gx - k;
        const a = grid[j * gw + k] * (1 - fx) + grid[j * gw + k + 1] * fx;
        const b = grid[(j + 1) * gw + k] * (1 - fx) + grid[(j + 1) * gw + k + 1] * fx;
        const t = a * (1 - fy) + b * fy;
        const i = (y * width + x) * 3;
        field[i] += t; field[i + 1] += t; field[i + 2] += t;
      }
    }
  }
  // Noise: roughly Gaussian (sum of three uniforms), luminance-correlated like a sensor's.
  const sigma = 2 + rnd() * 4;
  for (let p = 0; p < width * height; p++) {
    const shared = (rnd() + rnd() + rnd() - 1.5) * sigma;
    for (let c = 0; c < 3; c++) {
      const v = field[p * 3 + c] + shared + (rnd() - 0.5) * sigma;
      px[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return px;
}

async function encode(spec, seed) {
  const raw = renderPhoto(spec.width, spec.height, seed);
  const img = sharp(raw, { raw: { width: spec.width, height: spec.height, channels: 3 } });
  return spec.format === 'jpeg' ? img.jpeg({ quality: 85 }).toBuffer() : img.png({ compressionLevel: 6 }).toBuffer();
}

/**
 * Makes (or reuses) a set and returns its folder and file list. Small images are made from crops of
 * a few larger renders: rendering 10,000 separate images would cost more than the scan it feeds.
 */
export async function ensureSet(root, key, count, log = () => {}) {
  const spec = SETS[key];
  const dir = join(root, `${key}-${count}`);
  const stamp = join(dir, '.stamp.json');
  const want = JSON.stringify({ RECIPE, ...spec, count });
  const ext = spec.format === 'jpeg' ? 'jpg' : 'png';
  const files = Array.from({ length: count }, (_, i) => join(dir, `${key}-${String(i).padStart(5, '0')}.${ext}`));
  if (existsSync(stamp) && (await readFile(stamp, 'utf8')) === want) return { dir, files };

  log(`making ${count} × ${spec.label} in ${dir} …`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  if (key === 'small') {
    const sheetSide = 1024, perSheet = (sheetSide / spec.width) ** 2;
    for (let s = 0; s * perSheet < count; s++) {
      const sheet = renderPhoto(sheetSide, sheetSide, 1000 + s);
      const tiles = [];
      for (let t = 0; t < perSheet && s * perSheet + t < count; t++) {
        const left = (t % (sheetSide / spec.width)) * spec.width, top = Math.floor(t / (sheetSide / spec.width)) * spec.height;
        tiles.push(sharp(sheet, { raw: { width: sheetSide, height: sheetSide, channels: 3 } })
          .extract({ left, top, width: spec.width, height: spec.height }).jpeg({ quality: 85 }).toFile(files[s * perSheet + t]));
      }
      await Promise.all(tiles);
    }
  } else {
    for (let i = 0; i < count; i++) await writeFile(files[i], await encode(spec, hashSeed(key, i)));
  }
  await writeFile(stamp, want);
  return { dir, files };
}

function hashSeed(key, i) {
  let h = 2166136261;
  for (const ch of `${key}:${i}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/**
 * The files of `set` repeated `times` times under new names (hard links, or copies where links fail),
 * for runs long enough that each worker's warm-up (JIT, first inference) is a small part of them.
 */
export async function ensureRepeated(root, set, times) {
  const dir = join(root, `${basename(set.dir)}-x${times}`);
  const files = [];
  // Made again whenever the set was: the stamp says which images the links point at.
  const stamp = await readFile(join(set.dir, '.stamp.json'), 'utf8');
  const mine = join(dir, '.stamp.json');
  if (!existsSync(mine) || (await readFile(mine, 'utf8')) !== stamp) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (let r = 0; r < times; r++) {
    for (const f of set.files) {
      const to = join(dir, `${r}-${basename(f)}`);
      files.push(to);
      if (existsSync(to)) continue;
      try { await link(f, to); } catch { await copyFile(f, to); }
    }
  }
  await writeFile(mine, stamp);
  return { dir, files };
}

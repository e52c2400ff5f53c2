"""Extract training images from public repositories into tools/train/data/ (git-ignored, never committed)
and record exactly what was used in tools/train/data-manifest.csv (committed), so anyone can rebuild it:

    git clone https://github.com/drewnoakes/metadata-extractor-images /tmp/mei
    git clone https://github.com/EnragedAntelope/Artists-SD35L /tmp/sd35
    git clone https://github.com/Stability-AI/stablediffusion /tmp/sd2
    git clone https://github.com/Stability-AI/generative-models /tmp/sgm
    git clone https://github.com/facebookresearch/DiT /tmp/dit
    git clone https://github.com/pop-os/wallpapers /tmp/popwp
    git clone https://github.com/elementary/wallpapers /tmp/elwp
    git clone https://github.com/immich-app/test-assets /tmp/immich
    git clone https://github.com/MikeKovarik/exifr /tmp/exifr
    git clone https://github.com/openMVG/ImageDataset_SceauxCastle /tmp/sceaux
    git clone https://github.com/luanfujun/deep-photo-styletransfer /tmp/dpst
    git clone https://github.com/zzzDavid/ICDAR-2019-SROIE /tmp/sroie
    git clone https://github.com/godotengine/godot-demo-projects /tmp/godot
    /usr/bin/python3 tools/train/build_extra.py --repo drewnoakes/metadata-extractor-images=/tmp/mei \
        --repo EnragedAntelope/Artists-SD35L=/tmp/sd35 --repo Stability-AI/stablediffusion=/tmp/sd2 ...
        (one --repo owner/name=/tmp/dir for every repository above)

Files are read with `git show <commit>:<path>`, so a bare mirror works too. With an existing
data-manifest.csv, exactly the listed files (and commits) are taken and checked by SHA-256.
Files already in the shared corpus (same repository and path) are skipped: the corpus owns them.
"""
import argparse
import csv
import hashlib
import io
import os
import subprocess
import sys

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402

def every(k):
    """Deterministic spread for large repositories: keep about 1 file in k (by a hash of its path)."""
    return lambda p: int(hashlib.sha1(p.encode()).hexdigest(), 16) % k == 0


def pick(value, path):
    """generator and content are a string, or a function of the path for repositories that mix several."""
    return value(path) if callable(value) else value


# repository -> (label, generator, content, how files are chosen)
SOURCES = {
    'drewnoakes/metadata-extractor-images': ('real', 'camera-original JPEG', 'photo',
                                             lambda p: p.startswith('jpg/') and p.lower().endswith('.jpg')),
    'EnragedAntelope/Artists-SD35L': ('ai', 'sd3.5-large', 'art',
                                      lambda p: p.startswith('gallery-assets/') and p.lower().endswith('.png')),
    # SD 2.x txt2img sample grids (512 base and 768-v); every cell generated. Not img2img/depth/upscaling/unCLIP.
    'Stability-AI/stablediffusion': ('ai', 'sd2.x (txt2img 512/768)', 'photo',
                                     lambda p: p.startswith('assets/stable-samples/txt2img/') and p.endswith('.png')),
    # README sample collages: SDXL 0.9 (2023-06) and SDXL-Turbo (2023-11)
    'Stability-AI/generative-models': ('ai', lambda p: 'sdxl-turbo' if 'turbo' in p else 'sdxl-0.9', 'photo',
                                       lambda p: p in ('assets/000.jpg', 'assets/turbo_tile.png')),
    # class-conditional ImageNet sample grids of DiT-XL/2
    'facebookresearch/DiT': ('ai', 'dit-xl/2 (ImageNet)', 'photo', lambda p: p.startswith('visuals/sample_grid_')),
    # 2017 wallpapers: Unsplash/NASA photos (JPEG) and Kate Hazen's vector art (PNG)
    'pop-os/wallpapers': ('real', lambda p: 'human vector art (Kate Hazen)' if p.endswith('.png')
                          else 'photo (Unsplash/NASA wallpaper)', lambda p: 'art' if p.endswith('.png') else 'photo',
                          lambda p: p.startswith('original/') and p.endswith(('.jpg', '.png'))),
    # 2019-2020 Unsplash photos (full resolution)
    'elementary/wallpapers': ('real', 'photo (Unsplash wallpaper)', 'photo',
                              lambda p: p.startswith('backgrounds/') and p.endswith('.jpg') and 'odin' not in p),
    'immich-app/test-assets': ('real', 'photo (camera/Unsplash)', 'photo', lambda p: p in {
        'albums/text/book-beside-flowers.jpg', 'albums/text/craft-beer.jpg', 'albums/text/handwritten-notes.jpg',
        'albums/text/japanese-shop.jpg', 'metadata/gps-position/empty_gps.jpg', 'albums/nature/prairie_falcon.jpg',
        'albums/nature/tanners_ridge.jpg', 'metadata/rating/mongolels.jpg', 'albums/nature/cyclamen_persicum.jpg',
        'albums/nature/orychophragmus_violaceus.jpg'}),
    'MikeKovarik/exifr': ('real', 'camera JPEG (Pixel, Canon, Nikon, Olympus, Motorola)', 'photo', lambda p: p in {
        'test/fixtures/IMG_20180725_163423.jpg', 'test/fixtures/canon-dslr.jpg', 'test/fixtures/door-knocker.jpg',
        'test/fixtures/empty-imagedesc-in-ifd0.jpg', 'test/fixtures/iptc-mess.jpg',
        'test/fixtures/issue-fast-exif-2.jpg', 'test/fixtures/sidecar/IMG_5910.jpg',
        'test/fixtures/xmp depth map.jpg'}),
    'openMVG/ImageDataset_SceauxCastle': ('real', 'camera-original JPEG (Kodak Z612)', 'photo',
                                          lambda p: p.startswith('images/') and p.endswith('.JPG')),
    # 2017 input and reference photos (not the stylised outputs); in12 duplicates in11
    'luanfujun/deep-photo-styletransfer': ('real', 'web photos (deep photo style transfer inputs)', 'photo',
                                           lambda p: p.startswith(('examples/input/', 'examples/style/'))
                                           and p != 'examples/input/in12.png'),
    'zzzDavid/ICDAR-2019-SROIE': ('real', 'scanned receipts (ICDAR 2019 SROIE)', 'photo',
                                  lambda p: p.startswith('data/img/') and p.endswith('.jpg') and every(10)(p)),
    'godotengine/godot-demo-projects': ('real', 'Godot demo screenshots', 'screenshot',
                                        lambda p: '/screenshots/' in p and p.endswith(('.png', '.webp', '.jpg'))
                                        and every(2)(p)),
}
MIN_SIDE = 480  # thumbnails and previews are not what users check
FIELDS = ['path', 'label', 'generator', 'source_repo', 'source_path', 'commit', 'license', 'width', 'height',
          'bytes', 'format', 'notes', 'content']


def git(repo_dir, *args) -> bytes:
    return subprocess.run(['git', '--git-dir', repo_dir if repo_dir.endswith('.git') or os.path.isdir(
        os.path.join(repo_dir, 'objects')) else os.path.join(repo_dir, '.git'), *args],
        check=True, capture_output=True).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--repo', action='append', default=[], help='owner/name=path to a clone or mirror')
    ap.add_argument('--corpus', default=os.path.join(HERE, '..', '..', '..', 'shared', 'data', 'corpus'))
    ap.add_argument('--out', default=os.path.join(HERE, 'data'))
    ap.add_argument('--record', default=os.path.join(HERE, 'data-manifest.csv'))
    a = ap.parse_args()
    in_corpus = set()
    if os.path.exists(os.path.join(a.corpus, 'manifest.csv')):
        in_corpus = {(r['source_repo'], r['source_path']) for r in common.load_manifest(a.corpus)}
    pinned = {}
    if os.path.exists(a.record):
        with open(a.record, newline='') as f:
            for r in csv.DictReader(f):
                pinned.setdefault(r['source_repo'], []).append(r)
    rows, record = [], []
    for spec in a.repo:
        name, repo_dir = spec.split('=', 1)
        label, generator, content, choose = SOURCES[name]
        if name in pinned:
            wanted = [(r['commit'], r['source_path'], r['sha256']) for r in pinned[name]]
        else:
            commit = git(repo_dir, 'rev-parse', 'HEAD').decode().strip()
            paths = git(repo_dir, 'ls-tree', '-r', '--name-only', commit).decode().splitlines()
            wanted = [(commit, p, None) for p in sorted(paths) if choose(p) and (name, p) not in in_corpus]
        slug = name.replace('/', '+')
        for commit, p, sha in wanted:
            try:
                data = git(repo_dir, 'show', f'{commit}:{p}')
            except subprocess.CalledProcessError:
                continue  # snapshot without large blobs
            digest = hashlib.sha256(data).hexdigest()
            if sha and sha != digest:
                raise SystemExit(f'{name}:{p} differs from the recorded SHA-256')
            try:
                with Image.open(io.BytesIO(data)) as im:
                    w, h, fmt = im.width, im.height, im.format
                    im.load()
            except Exception:
                continue
            if not sha and min(w, h) < MIN_SIDE:
                continue
            rel = os.path.join(slug, p.replace('/', '__'))
            os.makedirs(os.path.join(a.out, slug), exist_ok=True)
            with open(os.path.join(a.out, rel), 'wb') as f:
                f.write(data)
            gen = pick(generator, p)
            rows.append(dict(path=rel, label=label, generator=gen, source_repo=name, source_path=p,
                             commit=commit, license='see repository', width=w, height=h, bytes=len(data),
                             format=fmt, notes='training only; never committed', content=pick(content, p)))
            record.append(dict(source_repo=name, commit=commit, source_path=p, label=label, generator=gen,
                               sha256=digest))
    with open(os.path.join(a.out, 'manifest.csv'), 'w', newline='') as f:
        wr = csv.DictWriter(f, FIELDS)
        wr.writeheader()
        wr.writerows(rows)
    with open(a.record, 'w', newline='') as f:
        wr = csv.DictWriter(f, ['source_repo', 'commit', 'source_path', 'label', 'generator', 'sha256'])
        wr.writeheader()
        wr.writerows(record)
    print(f'{len(rows)} images -> {a.out}')


if __name__ == '__main__':
    main()

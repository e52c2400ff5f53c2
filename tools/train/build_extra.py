"""Extract training images from public repositories into tools/train/data/ (git-ignored, never committed)
and record exactly what was used in tools/train/data-manifest.csv (committed), so anyone can rebuild it:

    git clone https://github.com/drewnoakes/metadata-extractor-images /tmp/mei
    git clone https://github.com/EnragedAntelope/Artists-SD35L /tmp/sd35
    /usr/bin/python3 tools/train/build_extra.py --repo drewnoakes/metadata-extractor-images=/tmp/mei \
        --repo EnragedAntelope/Artists-SD35L=/tmp/sd35

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

# repository -> (label, generator, content, how files are chosen)
SOURCES = {
    'drewnoakes/metadata-extractor-images': ('real', 'camera-original JPEG', 'photo',
                                             lambda p: p.startswith('jpg/') and p.lower().endswith('.jpg')),
    'EnragedAntelope/Artists-SD35L': ('ai', 'sd3.5-large', 'art',
                                      lambda p: p.startswith('gallery-assets/') and p.lower().endswith('.png')),
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
            rows.append(dict(path=rel, label=label, generator=generator, source_repo=name, source_path=p,
                             commit=commit, license='see repository', width=w, height=h, bytes=len(data),
                             format=fmt, notes='training only; never committed', content=content))
            record.append(dict(source_repo=name, commit=commit, source_path=p, label=label, generator=generator,
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

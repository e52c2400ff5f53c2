"""Train primaryNeural: grouped cross-validation (whole sources held out), then one final model on
everything, exported to ONNX with a model card. Seeded; CPU; single thread by default.

    /usr/bin/python3 tools/train/primary/train.py [--corpus DIR] [--extra DIR] [--taef2-pairs]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import common  # noqa: E402
import oof_views  # noqa: E402
import prepare  # noqa: E402
from crops import CROP, grid_crops, to_input  # noqa: E402
from model import NPRNet, n_params  # noqa: E402
from sampler import Sampler  # noqa: E402

VIEWS = ('raw', 'sf', 'q75', 'half')


def train_model(rows, cfg, seed, log=print):
    common.seed_everything(seed)
    model = NPRNet(cfg.width)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    sampler = Sampler(rows, cfg, np.random.default_rng(seed))
    steps = cfg.steps
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=steps, pct_start=0.1)
    model.train()
    t0, run = time.time(), 0.0
    for s in range(steps):
        x, y = sampler.batch(cfg.batch, progress=s / steps)
        loss = F.binary_cross_entropy_with_logits(model(torch.from_numpy(to_input(x))), torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run = 0.98 * run + 0.02 * loss.item() if s else loss.item()
        if s % 100 == 0 or s == steps - 1:
            log(f'  step {s}/{steps} loss {run:.3f} {time.time() - t0:.0f}s')
    model.eval()
    return model


@torch.no_grad()
def mean_logits(model, crops_list):
    """One mean logit per image over its crop grid (NaN when the image had no crop)."""
    out = np.full(len(crops_list), np.nan)
    sizes = [len(c) for c in crops_list]
    flat = [c for c in crops_list if len(c)]
    if not flat:
        return out
    allc = np.concatenate(flat)
    logits = np.concatenate([model(torch.from_numpy(to_input(allc[i:i + 64]))).numpy()
                             for i in range(0, len(allc), 64)])
    k = 0
    for i, n in enumerate(sizes):
        if n:
            out[i] = logits[k:k + n].mean()
            k += n
    return out


def evaluate(model, val, views=VIEWS):
    res = {}
    for v in views:
        lg = mean_logits(model, [r[v] for r in val])
        ok = ~np.isnan(lg)
        rows = [r for r, o in zip(val, ok) if o]
        res[v] = {'logits': lg[ok], 'rows': rows}
    real = [r for r in val if 'taef2' in r]
    if real:
        # held-out content-aligned pairs: a 2×2 grid of 64 px crops in the same 128 px square
        def quad(a):
            return np.stack([a[y:y + CROP, x:x + CROP] for y in (0, 64) for x in (0, 64)])
        for name, fn in (('taef2_pairs', lambda a: a), ('taef2_pairs_q90', lambda a: common.jpeg(a, 90))):
            lr = mean_logits(model, [quad(fn(r['train'][0])) for r in real])
            lf = mean_logits(model, [quad(fn(r['taef2'][0])) for r in real])
            res[name] = common.metrics(np.r_[np.zeros(len(lr)), np.ones(len(lf))], np.r_[lr, lf])
    return res


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def summarise(fold_results, views=VIEWS):
    """Pool held-out predictions over folds: every image is scored by the model that never saw its source."""
    out = {}
    for v in views:
        rows = [r for fr in fold_results for r in fr[v]['rows']]
        p = sigmoid(np.concatenate([fr[v]['logits'] for fr in fold_results]))
        out[v] = common.per_group_metrics(rows, p)
        by_content = {}
        for c in sorted({r.get('content', '') for r in rows}):
            idx = [i for i, r in enumerate(rows) if r.get('content', '') == c]
            by_content[c or '?'] = common.metrics([rows[i]['label'] for i in idx], p[idx])
        out[v]['_by_content'] = by_content
    for k in ('taef2_pairs', 'taef2_pairs_q90'):
        vals = [fr[k]['auc'] for fr in fold_results if k in fr and fr[k]['auc'] is not None]
        if vals:
            out[k] = {'mean_auc_over_folds': float(np.mean(vals)), 'per_fold': vals}
    return out


def export(model, path, crop):
    model.eval()
    x = torch.rand(2, 3, crop, crop)
    torch.onnx.export(model, x, path, input_names=['input'], output_names=['logits'], opset_version=13,
                      dynamic_axes={'input': {0: 'n'}, 'logits': {0: 'n'}}, do_constant_folding=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default=os.path.join(ROOT, '..', 'shared', 'data', 'corpus'))
    ap.add_argument('--extra', action='append', default=None, help='more corpus-format folders (default tools/train/data if present)')
    ap.add_argument('--taef2', default=os.path.join(ROOT, '..', 'shared', 'models', 'taef2'))
    ap.add_argument('--taef2-pairs', action='store_true',
                    help='add TAEF2 reconstructions of real crops as AI (measured worse at this budget; see models/primary.md)')
    ap.add_argument('--ae-pairs', action='store_true',
                    help='add reconstructions of real crops by three up-sampling autoencoders trained here (upsampling_ae.py) as AI')
    ap.add_argument('--ae-steps', type=int, default=500)
    ap.add_argument('--pair-share', type=float, default=0.5, help='share of each batch made of content-aligned pairs')
    ap.add_argument('--no-extra', action='store_true', help='ablation: shared corpus only')
    ap.add_argument('--folds', type=int, default=4)
    ap.add_argument('--only-folds', type=str, default='', help='comma list, for quick checks')
    ap.add_argument('--no-final', action='store_true')
    ap.add_argument('--steps', type=int, default=400)
    ap.add_argument('--final-steps', type=int, default=1200)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--width', type=int, default=32)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--val-cap', type=int, default=50, help='at most this many scored images per held-out source')
    ap.add_argument('--views', default=','.join(VIEWS), help='views to score (ablations: raw,sf)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--out', default=os.path.join(ROOT, 'models', 'primary.onnx'))
    ap.add_argument('--report', default=os.path.join(HERE, '..', 'runs', 'primary-report.json'))
    ap.add_argument('--oof-views', default='', help='folder from tools/fit/export-views.mjs: score its views with each fold model')
    ap.add_argument('--oof-out', default=os.path.join(HERE, '..', 'runs', 'primary-oof.csv'))
    cfg = ap.parse_args()
    torch.set_num_threads(cfg.threads)
    cache = os.path.join(HERE, '..', 'runs', 'cache')
    dirs = [cfg.corpus]
    if not cfg.no_extra:
        dirs += cfg.extra if cfg.extra is not None else (
            [os.path.join(HERE, '..', 'data')] if os.path.exists(os.path.join(HERE, '..', 'data', 'manifest.csv')) else [])
    corpus = common.load_manifest(cfg.corpus)
    extra = [r for d in dirs[1:] for r in common.load_manifest(d)]
    taef2_dir = cfg.taef2 if cfg.taef2_pairs else None
    t0 = time.time()
    prepare.prepare(corpus + extra, cache, cfg.seed, taef2_dir)
    prepare.load(corpus + extra, cache)
    if not cfg.taef2_pairs:
        for r in corpus + extra:
            r.pop('taef2', None)
    if cfg.ae_pairs:
        add_ae_twins(corpus + extra, cfg, os.path.join(HERE, '..', 'runs', 'ae'))
    print(f'data ready {time.time() - t0:.0f}s: {len(corpus)} corpus + {len(extra)} extra', flush=True)

    views = tuple(cfg.views.split(','))
    folds = common.grouped_folds(corpus, cfg.folds, cfg.seed)
    only = {int(i) for i in cfg.only_folds.split(',') if i != ''}
    results, fold_info = [], []
    view_index = oof_views.load_index(cfg.oof_views) if cfg.oof_views else None
    oof_scored = []
    for i, (tr, va) in enumerate(folds):
        if only and i not in only:
            continue
        held = {r['group'] for r in va}
        # extra images of a held-out source stay out of training for that fold, and are scored with it
        tr = tr + [r for r in extra if r['group'] not in held]
        va = cap_per_group(va + [r for r in extra if r['group'] in held], cfg.val_cap, cfg.seed + i)
        print(f'fold {i}: train {len(tr)} val {len(va)} held out {sorted(held)}', flush=True)
        t1 = time.time()
        m = train_model(tr, cfg, cfg.seed + i)
        res = evaluate(m, va, views)
        results.append(res)
        if view_index is not None:
            held_views = oof_views.held_out_views(view_index, corpus, held)
            lg = mean_logits(m, [grid_crops(oof_views.load_view(cfg.oof_views, v['file'])) for v in held_views])
            oof_scored += list(zip(held_views, lg))
        aucs = {v: common.metrics([r['label'] for r in res[v]['rows']], res[v]['logits'])['auc'] for v in views}
        fold_info.append({'fold': i, 'held_out': sorted(held), 'n_val': len(va), 'seconds': round(time.time() - t1),
                          'auc': aucs, 'taef2_pairs': res.get('taef2_pairs'), 'taef2_pairs_q90': res.get('taef2_pairs_q90')})
        print(f'fold {i} done {time.time() - t1:.0f}s auc {aucs} pairs {res.get("taef2_pairs")}', flush=True)
    if view_index is not None:
        oof_views.write_scores(cfg.oof_out, oof_scored)
        print(f'out-of-fold scores of {len(oof_scored)} views -> {cfg.oof_out}', flush=True)
    report = {'config': {k: v for k, v in vars(cfg).items()}, 'folds': fold_info,
              'n_params': n_params(NPRNet(cfg.width)),
              'train_counts': counts(corpus + extra, 'TAEF2' if taef2_dir else 'up-sampling autoencoder' if cfg.ae_pairs else None)}
    if results:
        report['held_out'] = summarise(results, views)
    if not cfg.no_final:
        t1 = time.time()
        m = train_model(corpus + extra, argparse.Namespace(**{**vars(cfg), 'steps': cfg.final_steps}), cfg.seed + 100)
        os.makedirs(os.path.dirname(cfg.out), exist_ok=True)
        export(m, cfg.out, CROP)
        torch.save(m.state_dict(), os.path.join(os.path.dirname(cfg.report), 'primary.pt'))
        report['final_seconds'] = round(time.time() - t1)
        print(f'final model {time.time() - t1:.0f}s -> {cfg.out}', flush=True)
    report['total_seconds'] = round(time.time() - t0)
    os.makedirs(os.path.dirname(cfg.report), exist_ok=True)
    with open(cfg.report, 'w') as f:
        json.dump(report, f, indent=1, default=float)
    print(json.dumps({k: report.get('held_out', {}).get(k, {}).get('_pooled') for k in views}, default=float))


def add_ae_twins(rows, cfg, cache_dir):
    """Gives the real images prepare.taef2_selected picks a twin (stored under 'taef2', the key the sampler
    and evaluate() read for content-aligned pairs): their first training crop redrawn by one of the three
    autoencoders, chosen by a hash of the file. The autoencoders learn from real crops of every source;
    they only make fakes, and a held-out source's twins are never trained on in its fold."""
    import upsampling_ae as ae
    reals = [r for r in rows if r['label'] == 0]
    crops = [c for r in reals for c in r['train'][:2]]
    models = ae.load_or_train(cache_dir, crops, cfg.seed, cfg.ae_steps)
    chosen = prepare.taef2_selected(rows)
    for r in reals:
        if r['abs_path'] in chosen:
            kind = ae.KINDS[int(prepare._key(r['source_repo'] + ':' + r['source_path']), 16) % len(ae.KINDS)]
            r['taef2'] = ae.reconstruct(models[kind], r['train'][:1])
            r['twin_kind'] = kind
    print(f"autoencoder twins: {sum('taef2' in r for r in rows)}", flush=True)


def cap_per_group(rows, cap, seed):
    """A seeded subset of at most cap images per source: scoring every crop of every view of 500 BSDS
    photos would cost more CPU than training; per-source rates need tens of images, not hundreds."""
    if cap <= 0:
        return rows
    rng = np.random.default_rng(seed)
    by = {}
    for r in rows:
        by.setdefault(r['group'], []).append(r)
    out = []
    for g in sorted(by):
        rs = by[g]
        out += [rs[i] for i in sorted(rng.permutation(len(rs))[:cap])] if len(rs) > cap else rs
    return out


def counts(rows, twins_by):
    c = {}
    for r in rows:
        k = f"{'ai' if r['label'] else 'real'} | {r['group']}"
        c[k] = c.get(k, 0) + 1
    if twins_by:
        c[f'ai | {twins_by} reconstructions of the real crops (one 128 px crop each)'] = sum('taef2' in r for r in rows)
    return c


if __name__ == '__main__':
    main()

import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, type Source } from '../../src/input/discover.ts';

let root: string;

/**
 * root/
 *   a.png b.jpg notes.txt .dotfile.png  'with space.png'  'ünï 图像.png'  -dash.png
 *   sub/c.webp  sub/deep/d.gif  .hidden/e.png  skipme/g.png
 *   loop -> .   (cycle)   link-to-a.png -> a.png   dangling.png -> nowhere
 */
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'xray-discover-'));
  const tree = 'tree';
  await mkdir(path.join(root, tree, 'sub', 'deep'), { recursive: true });
  await mkdir(path.join(root, tree, '.hidden'));
  await mkdir(path.join(root, tree, 'skipme'));
  for (const f of ['a.png', 'b.jpg', 'notes.txt', '.dotfile.png', 'with space.png', 'ünï 图像.png', '-dash.png',
    'sub/c.webp', 'sub/deep/d.gif', '.hidden/e.png', 'skipme/g.png']) {
    await writeFile(path.join(root, tree, f), 'x');
  }
  await symlink('.', path.join(root, tree, 'loop'));
  await symlink('a.png', path.join(root, tree, 'link-to-a.png'));
  await symlink('does-not-exist.png', path.join(root, tree, 'dangling.png'));
});

afterAll(async () => {
  await chmod(path.join(root, 'tree', 'sub'), 0o755).catch(() => {});
  await rm(root, { recursive: true, force: true });
});

async function list(operands: string[], ignore: string[] = [], stdinFilename?: string): Promise<Source[]> {
  const out: Source[] = [];
  for await (const s of discover(operands, { ignore, stdinFilename, cwd: root })) out.push(s);
  return out;
}
const paths = (sources: Source[]) => sources.map((s) => s.path);

describe('discover', () => {
  it('walks a folder recursively, by extension, skipping hidden entries, each file once despite a symlink cycle', async () => {
    const found = await list(['tree']);
    expect(found.every((s) => s.kind === 'file')).toBe(true);
    expect(paths(found).sort()).toEqual([
      'tree/-dash.png', 'tree/a.png', 'tree/b.jpg', 'tree/link-to-a.png', 'tree/skipme/g.png',
      'tree/sub/c.webp', 'tree/sub/deep/d.gif', 'tree/with space.png', 'tree/ünï 图像.png',
    ]);
  });

  it('gives the same order every time (sorted within each folder)', async () => {
    const first = paths(await list(['tree']));
    expect(paths(await list(['tree']))).toEqual(first);
    const top = first.filter((p) => p.split('/').length === 2);
    expect(top).toEqual([...top].sort());
  });

  it('applies --ignore to names and to paths', async () => {
    expect(paths(await list(['tree'], ['skipme']))).not.toContain('tree/skipme/g.png');
    expect(paths(await list(['tree'], ['**/skipme/**']))).not.toContain('tree/skipme/g.png');
    const noGif = paths(await list(['tree'], ['*.gif']));
    expect(noGif).not.toContain('tree/sub/deep/d.gif');
    expect(noGif).toContain('tree/sub/c.webp');
  });

  it('applies --ignore to glob matches by the same rule as in folders', async () => {
    const viaGlob = paths(await list(['tree/sub/**/*'], ['*.gif']));
    expect(viaGlob).toEqual(['tree/sub/c.webp']);
  });

  it('applies --ignore to absolute operands too', async () => {
    const found = paths(await list([path.join(root, 'tree')], ['**/skipme/**']));
    expect(found).toContain(path.join(root, 'tree', 'a.png'));
    expect(found.some((p) => p.includes('skipme'))).toBe(false);
  });

  it('always attempts a file named explicitly, whatever its extension or dot', async () => {
    expect(await list(['tree/notes.txt', 'tree/.dotfile.png', 'tree/-dash.png'])).toEqual([
      { kind: 'file', path: 'tree/notes.txt' },
      { kind: 'file', path: 'tree/.dotfile.png' },
      { kind: 'file', path: 'tree/-dash.png' },
    ]);
  });

  it('walks a hidden folder that is named explicitly', async () => {
    expect(paths(await list(['tree/.hidden']))).toEqual(['tree/.hidden/e.png']);
  });

  it('names the same file once, however it is spelled', async () => {
    expect(paths(await list(['tree/sub', './tree/sub/c.webp', 'tree/sub/c.webp', 'tree/sub/*.webp']))).toEqual([
      'tree/sub/c.webp', 'tree/sub/deep/d.gif',
    ]);
  });

  it('reports a missing path, a dangling link and an empty glob as per-file failures', async () => {
    const found = await list(['nope.png', 'tree/dangling.png', 'tree/*.nomatch']);
    expect(found).toEqual([
      { kind: 'missing', path: 'nope.png', detail: 'no such file or folder' },
      { kind: 'missing', path: 'tree/dangling.png', detail: 'no such file or folder' },
      { kind: 'missing', path: 'tree/*.nomatch', detail: 'no files match this pattern' },
    ]);
  });

  it('expands globs, sorted, without hidden files', async () => {
    expect(paths(await list(['tree/*.png']))).toEqual([
      'tree/-dash.png', 'tree/a.png', 'tree/link-to-a.png', 'tree/with space.png', 'tree/ünï 图像.png',
    ].sort());
  });

  it('turns - into one stdin source named by --stdin-filename', async () => {
    expect(await list(['-'])).toEqual([{ kind: 'stdin', path: '<stdin>' }]);
    expect(await list(['-'], [], 'upload.jpg')).toEqual([{ kind: 'stdin', path: 'upload.jpg' }]);
  });

  it('yields nothing for a folder without images', async () => {
    await mkdir(path.join(root, 'empty'), { recursive: true });
    await writeFile(path.join(root, 'empty', 'readme.md'), '#');
    expect(await list(['empty'])).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('reports a folder it cannot list instead of dropping it silently', async () => {
    await chmod(path.join(root, 'tree', 'sub'), 0o000);
    try {
      const found = await list(['tree']);
      expect(found).toContainEqual({ kind: 'missing', path: 'tree/sub', detail: 'cannot list this folder: permission denied' });
      expect(paths(found)).toContain('tree/a.png');
    } finally {
      await chmod(path.join(root, 'tree', 'sub'), 0o755);
    }
  });
});

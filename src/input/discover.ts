/**
 * Command-line operands → a lazy stream of files to analyse, in a stable order.
 * Folders are walked here (not by fast-glob) so that hidden folders are skipped and symlink
 * cycles are cut by real path; globs go to fast-glob. Nothing is read, only listed.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

/** Extensions picked up inside folders. Formats we cannot decode are listed so the user hears about them. */
export const IMAGE_EXTENSIONS = [
  'jpg', 'jpeg', 'jpe', 'jfif', 'png', 'webp', 'avif', 'gif', 'tif', 'tiff', 'heic', 'heif', 'bmp', 'jxl',
];

export type Source =
  | { kind: 'file'; path: string }
  | { kind: 'stdin'; path: string }
  /** An operand that yields nothing analysable, reported per file like any other failure. */
  | { kind: 'missing'; path: string; detail: string };

export interface DiscoverOptions {
  ignore: string[];
  stdinFilename?: string;
  cwd?: string;
}

const isImageName = (name: string) => IMAGE_EXTENSIONS.includes(path.extname(name).slice(1).toLowerCase());
const hasGlobChars = (s: string) => /[*?[\]{}]/.test(s);
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function* discover(operands: string[], opts: DiscoverOptions): AsyncGenerator<Source> {
  const cwd = opts.cwd ?? process.cwd();
  const ignored = opts.ignore.length ? picomatch(opts.ignore, { dot: true }) : () => false;
  const isIgnored = (p: string) => ignored(toPosix(p)) || ignored(toPosix(path.basename(p)));
  const seen = new Set<string>();
  // Keyed by absolute path: `scan dir ./dir/a.png` names one file twice in two spellings.
  const once = (p: string) => {
    const key = path.resolve(cwd, p);
    return seen.has(key) ? false : (seen.add(key), true);
  };

  for (const operand of operands) {
    if (operand === '-') {
      yield { kind: 'stdin', path: opts.stdinFilename ?? '<stdin>' };
      continue;
    }
    const info = await stat(path.resolve(cwd, operand)).catch((err: NodeJS.ErrnoException) => err);
    if (!(info instanceof Error)) {
      if (info.isDirectory()) {
        for await (const found of walk(operand, cwd, isIgnored)) {
          if (typeof found !== 'string') yield found;
          else if (once(found)) yield { kind: 'file', path: found };
        }
      } else if (once(operand)) {
        // A file named explicitly is always attempted, whatever its extension.
        yield { kind: 'file', path: operand };
      }
      continue;
    }
    if (hasGlobChars(operand)) {
      // Symlinked folders are not descended (fast-glob has no cycle guard), but symlinked files are
      // kept, as in folders: fast-glob's onlyFiles would drop them, so entries are checked here.
      const { default: fg } = await import('fast-glob'); // only globs need it
      const matches = await fg(toPosix(operand), {
        cwd, dot: false, onlyFiles: false, followSymbolicLinks: false, ignore: opts.ignore, suppressErrors: true,
      });
      let any = false;
      for (const m of matches.sort(byName)) {
        if (isIgnored(m)) continue; // same rule as in folders: fast-glob's ignore wants full-path patterns
        const target = await stat(path.resolve(cwd, m)).catch(() => null);
        if (!target?.isFile()) continue;
        any = true;
        if (once(m)) yield { kind: 'file', path: m };
      }
      if (!any) yield { kind: 'missing', path: operand, detail: 'no files match this pattern' };
      continue;
    }
    yield { kind: 'missing', path: operand, detail: describeStatError(info) };
  }
}

/**
 * Depth-first, sorted, lazy. Symlinked folders are followed once per real path, so cycles end.
 * Hidden entries are skipped, files as well as folders, as the globs do (dot: false): a folder
 * copied from a Mac is full of `._photo.jpg` resource forks that are not images.
 * A folder that cannot be listed is reported, not silently dropped.
 */
async function* walk(root: string, cwd: string, isIgnored: (p: string) => boolean): AsyncGenerator<string | Source> {
  const visited = new Set<string>();
  async function* visit(dir: string): AsyncGenerator<string | Source> {
    const real = await realpath(path.resolve(cwd, dir)).catch(() => null);
    if (real === null || visited.has(real)) return;
    visited.add(real);
    const entries = await readdir(path.resolve(cwd, dir), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => err);
    if (entries instanceof Error) {
      yield { kind: 'missing', path: dir, detail: `cannot list this folder: ${describeStatError(entries)}` };
      return;
    }
    for (const entry of entries.sort((a, b) => byName(a.name, b.name))) {
      const child = path.join(dir, entry.name);
      if (entry.name.startsWith('.') || isIgnored(child)) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(path.resolve(cwd, child)).catch(() => null);
        if (!target) continue; // dangling link
        isDir = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDir) yield* visit(child);
      else if (isFile && isImageName(entry.name)) yield child;
    }
  }
  yield* visit(root);
}

function describeStatError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'ENAMETOOLONG': return 'file name too long';
    default: return err.message;
  }
}

const toPosix = (p: string) => p.split(path.sep).join('/');


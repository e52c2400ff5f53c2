/**
 * A small weighted logistic-regression fitter with an L2 penalty (Newton's method), and the
 * ROC AUC. Used offline by tools/fit to fit detector mappings and the fusion weights; pure, so the
 * same code can be tested on hand-made data.
 */

export interface LogisticModel {
  intercept: number;
  weights: number[];
}

export interface FitOptions {
  /** Penalty λ on the weights (not the intercept), against the mean weighted log-loss. */
  l2?: number;
  /** Per-sample weights (e.g. to balance classes); default 1. */
  sampleWeights?: number[];
  maxIter?: number;
  tol?: number;
}

export interface FitResult extends LogisticModel {
  iterations: number;
  converged: boolean;
}

function sig(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function predictProba(m: LogisticModel, x: number[]): number {
  let z = m.intercept;
  for (let j = 0; j < x.length; j++) z += m.weights[j] * x[j];
  return sig(z);
}

/** Solves A·x = b (A symmetric positive definite, small) by Gaussian elimination with partial pivoting. */
export function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const piv = M[c][c];
    if (Math.abs(piv) < 1e-300) throw new Error('singular system');
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / piv;
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

/** Fits P(y=1|x) = σ(b + w·x). Labels are 0/1. */
export function fitLogistic(X: number[][], y: number[], opts: FitOptions = {}): FitResult {
  const n = X.length;
  if (n === 0 || y.length !== n) throw new Error('fitLogistic needs as many labels as rows, and at least one row');
  const d = X[0].length;
  const l2 = opts.l2 ?? 1e-3;
  const sw = opts.sampleWeights ?? new Array<number>(n).fill(1);
  const W = sw.reduce((a, b) => a + b, 0);
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-9;
  // beta[0] is the intercept.
  let beta = new Array<number>(d + 1).fill(0);
  let converged = false;
  let it = 0;
  for (; it < maxIter; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const xi = [1, ...X[i]];
      let z = 0;
      for (let j = 0; j <= d; j++) z += beta[j] * xi[j];
      const p = sig(z);
      const r = (sw[i] * (p - y[i])) / W;
      const h = (sw[i] * Math.max(p * (1 - p), 1e-12)) / W;
      for (let j = 0; j <= d; j++) {
        g[j] += r * xi[j];
        for (let k = j; k <= d; k++) H[j][k] += h * xi[j] * xi[k];
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) H[j][k] = H[k][j];
    for (let j = 1; j <= d; j++) {
      g[j] += l2 * beta[j];
      H[j][j] += l2;
    }
    H[0][0] += 1e-12; // keeps the intercept row solvable when every label is the same
    const step = solve(H, g);
    beta = beta.map((b, j) => b - step[j]);
    const size = Math.max(...step.map(Math.abs));
    if (size < tol) {
      converged = true;
      it++;
      break;
    }
  }
  return { intercept: beta[0], weights: beta.slice(1), iterations: it, converged };
}

/**
 * ROC AUC = P(score of a random positive > score of a random negative), ties counting half
 * (the Mann-Whitney statistic with average ranks). NaN when either class is absent.
 */
export function auc(scores: number[], labels: number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k]] = avg;
    i = j + 1;
  }
  let nPos = 0, sumPos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) { nPos++; sumPos += ranks[i]; }
  const nNeg = labels.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

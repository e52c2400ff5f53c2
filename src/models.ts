/** Where the bundled models and fitted parameters live: <package root>/models, from src/ or dist/ alike. */
import { fileURLToPath } from 'node:url';

const MODELS_DIR = new URL('../models/', import.meta.url);

export function modelPath(name: string): string {
  return fileURLToPath(new URL(name, MODELS_DIR));
}

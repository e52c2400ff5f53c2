import type { TextItem } from './segments.js';

/** What a generator's own metadata says: which tool, whether it kept the prompt, which model. */
export interface GeneratorFinding {
  generator: string;
  /** Where it was found, e.g. "PNG text 'parameters'" or "EXIF UserComment". */
  where: string;
  promptPresent: boolean;
  model?: string;
}

type Json = Record<string, unknown>;

/** Generator JSON is shallow (ComfyUI graphs nest < 10 levels); V8 takes ~0.5 s on 500 000 levels. */
const MAX_JSON_DEPTH = 64;

function shallowEnough(t: string): boolean {
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++; // backslash: skip the escaped char
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_JSON_DEPTH) return false;
    } else if (c === 125 || c === 93) depth--;
  }
  return true;
}

function parseJson(s: string): unknown {
  const t = s.trim();
  if ((t[0] !== '{' && t[0] !== '[') || !shallowEnough(t)) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function short(s: unknown): string | undefined {
  return typeof s === 'string' && s.trim() ? s.trim().slice(0, 200) : undefined;
}

/** AUTOMATIC1111-style settings line: "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, ...". */
const A1111_SETTINGS = /^Steps: \d+, [^\n]{0,2000}?(?:Sampler|Seed|CFG scale): /;

export function readA1111(text: string, where: string): GeneratorFinding | undefined {
  // The settings line comes last; looking only there keeps a text full of "Steps: " linear to scan.
  const at = text.lastIndexOf('Steps: ');
  if (at < 0 || (at > 0 && text[at - 1] !== '\n')) return undefined;
  const settings = text.slice(at, at + 8000);
  if (!A1111_SETTINGS.test(settings)) return undefined;
  const version = /Version: ([^,\n]{1,60})/.exec(settings)?.[1];
  let generator = 'AUTOMATIC1111-style web UI';
  if (version && /^f\d/.test(version)) generator = `Stable Diffusion WebUI Forge (${version})`;
  else if (version && /fooocus/i.test(version)) generator = `Fooocus (${version})`;
  else if (/App: SD\.Next/i.test(settings)) generator = 'SD.Next';
  else if (version) generator = `AUTOMATIC1111 stable-diffusion-webui (${version})`;
  const promptPart = text.slice(0, at).split(/\nNegative prompt:/)[0];
  return {
    generator,
    where,
    promptPresent: promptPart.trim().length > 0,
    model: /(?:^|, )Model: ([^,\n]{1,120})/.exec(settings)?.[1],
  };
}

/** ComfyUI API graph ("prompt"): node id -> { class_type, inputs }. */
function comfyPrompt(v: unknown): { ok: boolean; prompt: boolean; model?: string } {
  if (!isObj(v)) return { ok: false, prompt: false };
  let nodes = 0;
  let prompt = false;
  let model: string | undefined;
  for (const n of Object.values(v).slice(0, 5000)) {
    if (!isObj(n) || typeof n.class_type !== 'string') continue;
    nodes++;
    const inputs = isObj(n.inputs) ? n.inputs : {};
    if (/TextEncode|Prompt/i.test(n.class_type) && Object.values(inputs).some((x) => typeof x === 'string' && x.trim())) prompt = true;
    model ??= short(inputs.ckpt_name) ?? short(inputs.unet_name) ?? short(inputs.model_name);
  }
  return { ok: nodes > 0, prompt, model };
}

/** ComfyUI UI graph ("workflow"): { nodes: [{ type, widgets_values }], links }. */
function comfyWorkflow(v: unknown): boolean {
  return isObj(v) && Array.isArray(v.nodes) && v.nodes.some((n) => isObj(n) && typeof n.type === 'string');
}

/** Reads generator metadata from key/value texts (PNG text chunks and the like). */
export function readGeneratorTexts(texts: TextItem[], label: string): GeneratorFinding[] {
  const out: GeneratorFinding[] = [];
  const byKey = new Map<string, TextItem>();
  for (const t of texts) if (!byKey.has(t.key)) byKey.set(t.key, t);
  const where = (k: string) => `${label} '${k}'`;

  const params = byKey.get('parameters');
  if (params) {
    const j = parseJson(params.value);
    if (isObj(j) && isObj(j.sui_image_params)) {
      const p = j.sui_image_params;
      out.push({ generator: 'SwarmUI', where: where('parameters'), promptPresent: !!short(p.prompt), model: short(p.model) });
    } else if (isObj(j) && (byKey.has('fooocus_scheme') || /fooocus/i.test(String(j.version ?? j.Version ?? '')) || 'Performance' in j)) {
      out.push({ generator: 'Fooocus', where: where('parameters'), promptPresent: !!short(j.prompt ?? j.Prompt), model: short(j.base_model ?? j['Base Model']) });
    } else if (isObj(j) && (short(j.prompt) || short(j.Prompt))) {
      out.push({ generator: 'unidentified generator (JSON parameters)', where: where('parameters'), promptPresent: true, model: short(j.model) });
    } else {
      const a = readA1111(params.value, where('parameters'));
      if (a) out.push(a);
      else if (params.truncated && !params.value) out.push({ generator: 'unidentified generator (oversized parameters chunk)', where: where('parameters'), promptPresent: false });
    }
  }

  const prompt = byKey.get('prompt');
  const workflow = byKey.get('workflow');
  if (prompt || workflow) {
    const p = prompt ? comfyPrompt(parseJson(prompt.value)) : { ok: false, prompt: false };
    const w = workflow ? comfyWorkflow(parseJson(workflow.value)) : false;
    // An oversized chunk we refused to inflate still names itself; the key pair is ComfyUI's alone.
    const bothKeysCut = !!prompt && !!workflow && (prompt.truncated || workflow.truncated);
    if (p.ok || w || bothKeysCut) {
      const keys = [prompt && 'prompt', workflow && 'workflow'].filter(Boolean).join(' + ');
      out.push({ generator: 'ComfyUI', where: where(keys), promptPresent: p.prompt, model: p.model });
    }
  }

  const invoke = byKey.get('invokeai_metadata') ?? byKey.get('invokeai_graph') ?? byKey.get('sd-metadata') ?? byKey.get('Dream');
  if (invoke) {
    const j = parseJson(invoke.value);
    const img = isObj(j) && isObj(j.image) ? j.image : undefined;
    const pos = isObj(j) ? j.positive_prompt ?? img?.prompt : undefined;
    const model = isObj(j) ? (isObj(j.model) ? short(j.model.name) : short(j.model_weights ?? j.model)) : undefined;
    out.push({
      generator: 'InvokeAI',
      where: where(invoke.key),
      promptPresent: invoke.key === 'Dream' ? /^"[^"]+"/.test(invoke.value) : !!(short(pos) || Array.isArray(pos)),
      model,
    });
  }

  const software = byKey.get('Software')?.value ?? '';
  const comment = byKey.get('Comment');
  const source = byKey.get('Source')?.value ?? '';
  const c = comment ? parseJson(comment.value) : undefined;
  const naiComment = isObj(c) && ('steps' in c || 'uc' in c || 'sampler' in c);
  // "Software: NovelAI" alone is only a tool name (weighed elsewhere); with its settings it is a generation record.
  if ((/novelai/i.test(software) && (naiComment || /diffusion/i.test(source))) || /^NovelAI Diffusion/i.test(source)) {
    const promptPresent = !!short(byKey.get('Description')?.value) || (isObj(c) && !!short(c.prompt));
    out.push({ generator: 'NovelAI', where: where(comment ? 'Software + Comment' : 'Software'), promptPresent, model: short(source) });
  }

  // Front ends that save JPEG/WebP put the same text in EXIF or comments; ComfyUI's WebP saver writes
  // "workflow:{...}" and "prompt:{...}" into EXIF Make/Model.
  for (const t of texts) {
    if (out.some((f) => f.where === where(t.key))) continue;
    if (['parameters', 'prompt', 'workflow'].includes(t.key)) continue;
    const cm = /^(prompt|workflow):\s*(\{[\s\S]*)$/.exec(t.value);
    if (cm) {
      const j = parseJson(cm[2]);
      const p = cm[1] === 'prompt' ? comfyPrompt(j) : { ok: comfyWorkflow(j), prompt: false };
      if (p.ok) {
        out.push({ generator: 'ComfyUI', where: where(t.key), promptPresent: p.prompt, model: 'model' in p ? p.model : undefined });
        continue;
      }
    }
    const a = readA1111(t.value, where(t.key));
    if (a) out.push(a);
  }
  return out;
}

/** Names of AI image tools as they appear in Software / CreatorTool / claim generators. */
const AI_TOOLS =
  /\b(NovelAI|Midjourney|DALL[·\-\s]?E|Stable Diffusion|Stability AI|DreamStudio|ComfyUI|InvokeAI|Fooocus|SwarmUI|AUTOMATIC1111|Draw Things|Adobe Firefly|Firefly|Leonardo\.?Ai|Ideogram|Imagen|Made with Google AI|Bing Image Creator|NightCafe|OpenAI|ChatGPT|GPT-4o|Sora|Runway(?:ML)?|Krea|Recraft)\b/i;

export function aiToolName(s: string | undefined): string | undefined {
  if (!s) return undefined;
  return AI_TOOLS.exec(s)?.[1];
}

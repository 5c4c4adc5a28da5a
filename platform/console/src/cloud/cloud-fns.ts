/** Pure helpers of the cloud pages (tested in cloud-fns.test.ts). */

/** `env=prod, app=his` → `{ env: 'prod', app: 'his' }` (typed as text, parsed on save). */
export function parseTags(text: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(text ?? '').split(/[,，\n]/)) {
    const [k, ...rest] = part.split('=');
    const key = (k ?? '').trim();
    if (key) out[key] = rest.join('=').trim();
  }
  return out;
}
export const formatTags = (tags: Record<string, string> | undefined) => Object.entries(tags ?? {}).map(([k, v]) => (v ? `${k}=${v}` : k)).join(', ');
/** `10.20.0.2, 10.20.0.3` → a list. */
export const parseList = (text: unknown): string[] => String(text ?? '').split(/[\s,，]+/).map((s) => s.trim()).filter(Boolean);

/** Moves the item at `from` to `to` (a new array). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [x] = out.splice(from, 1);
  if (x !== undefined) out.splice(Math.max(0, Math.min(to, out.length)), 0, x);
  return out;
}

/** Drops empty inputs from a spec so a template's values are not overridden by blanks. */
export function cleanSpec(spec: Record<string, any> | undefined): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(spec ?? {})) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = k === 'systemDiskGb' ? Number(v) : k === 'dataDisks' ? v.map((d: any) => ({ sizeGb: Number(d.sizeGb), volumeType: d.volumeType })) : v;
  }
  return out;
}

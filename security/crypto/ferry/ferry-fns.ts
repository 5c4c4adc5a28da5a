import { z } from 'zod';

// A ferry bundle is a directory `<flow>-<sequence, 10 digits>/` holding
//   manifest.json        { format: "yiyun-ferry/1", flow, fromZone, fromStack, toZone, sequence, createdAt,
//                          files: [{ name, size, sm3 }] }
//   manifest.sig.json    a yiyun-sig/1 envelope over the exact bytes of manifest.json, by the exporting zone's
//                        ferry agent certificate (CN=ferry.<fromStack>.yiyun) with its chain
//   payload/<name>       the files the manifest lists
// The importer verifies signature and chain, the flow whitelist, every file's SM3 digest and size, and the sequence.

export const FERRY_FORMAT = 'yiyun-ferry/1';
export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig.json';
export const PAYLOAD_DIR = 'payload';

const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/, 'a plain file name');

export const manifestSchema = z.strictObject({
  format: z.literal(FERRY_FORMAT),
  flow: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
  fromZone: z.string().min(1),
  fromStack: z.string().min(1),
  toZone: z.string().min(1),
  sequence: z.number().int().positive(),
  createdAt: z.string().datetime(),
  files: z.array(z.strictObject({ name: fileName, size: z.number().int().min(0), sm3: z.string().regex(/^[0-9a-f]{64}$/) })).max(1000),
});
export type FerryManifest = z.infer<typeof manifestSchema>;

/** One flow of the estate's gatekeeper whitelist, as the ferry needs it. */
export type FerryFlow = { id: string; from: string; to: string; payload: string; maxFileMb: number; description: string };

/** The port to the estate's gatekeeper flow list (infra/Pulumi.yaml), implemented by platform/server. */
export type FlowDirectory = { get(name: string): FerryFlow | undefined; list(): FerryFlow[] };

/** `<flow>-0000000042` */
export function bundleName(flow: string, sequence: number): string {
  return `${flow}-${String(sequence).padStart(10, '0')}`;
}

export function isPlainFileName(name: string): boolean {
  return fileName.safeParse(name).success;
}

/** The sequence verdict for an incoming bundle given the last imported one. */
export function sequenceVerdict(last: number, incoming: number): { ok: true; gap: string | null } | { ok: false; reason: string } {
  if (incoming <= last) return { ok: false, reason: `replayed sequence ${incoming} (the last imported is ${last})` };
  if (incoming > last + 1) return { ok: true, gap: `sequence gap: ${incoming - last - 1} bundle(s) missing (${last + 1}..${incoming - 1})` };
  return { ok: true, gap: null };
}

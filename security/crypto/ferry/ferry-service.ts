import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Actor } from '../../../core/authz';
import type { AuditTrail } from '../../../core/audit';
import { sm3Hex } from '../../../core/crypto';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors';
import type { SigningService } from '../signing/signing-service';
import type { FerryDal, TransferRow } from './ferry-dal';
import { bundleName, FERRY_FORMAT, isPlainFileName, MANIFEST, manifestSchema, PAYLOAD_DIR, sequenceVerdict, SIGNATURE, type FerryManifest, type FlowDirectory } from './ferry-fns';

/** Produces the payload of an outgoing flow from a cursor (e.g. audit records after the last ferried one). */
export type FerrySource = { collect(cursor: string | null): Promise<{ files: Array<{ name: string; content: Buffer }>; cursor: string | null }> };
/** Receives the payload of an accepted incoming bundle (after commit). */
export type FerrySink = { accept(manifest: FerryManifest, dir: string): Promise<void> };

export type FerryServiceDeps = {
  db: Kysely<any>;
  dal: FerryDal;
  audit: Pick<AuditTrail, 'record'>;
  /** Signs as this zone's ferry agent (identity name `ferry`). */
  signing: Pick<SigningService, 'sign' | 'verify'>;
  flows: FlowDirectory;
  /** This zone: its short name in the flow list (dmz / internet) and its stack name (liangcheng-dmz). */
  zone: { short: string; stack: string };
  /** Root of outbox/, inbox/, quarantine/. */
  dir: string;
  sources?: Record<string, FerrySource>;
  sinks?: Record<string, FerrySink>;
  now?: () => Date;
};

export type ImportOutcome = { bundle: string; status: 'imported' | 'imported_with_gap' | 'quarantined'; flow: string | null; sequence: number | null; reason: string | null; warning: string | null; transferId: string; location: string };

/** The signed gatekeeper ferry: exports signed bundles for declared flows and verifies them before import. */
export function createFerryService(deps: FerryServiceDeps) {
  const { db, dal, audit } = deps;
  const now = deps.now ?? (() => new Date());
  const sub = (name: string) => {
    const d = path.join(deps.dir, name);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  };

  const view = (r: TransferRow) => ({ id: r.id, flow: r.flow, direction: r.direction, sequence: r.sequence === null ? null : Number(r.sequence), status: r.status, reason: r.reason, warning: r.warning, bundle: r.bundle, manifestSm3: r.manifest_sm3, files: r.files as Array<{ name: string; size: number; sm3: string }>, signer: r.signer, createdAt: r.created_at });

  async function quarantine(actor: Actor, bundleDir: string, reason: string, m: Partial<FerryManifest> | null, signer: string | null): Promise<ImportOutcome> {
    const name = path.basename(bundleDir);
    const target = path.join(sub('quarantine'), `${name}.${now().getTime()}`);
    if (existsSync(bundleDir)) renameSync(bundleDir, target);
    else mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, 'QUARANTINE-REASON.json'), `${JSON.stringify({ reason, at: now().toISOString(), flow: m?.flow ?? null, sequence: m?.sequence ?? null, signer }, null, 2)}\n`);
    const row = await db.transaction().execute(async (tx) => {
      const r = await dal.insertTransfer({ flow: m?.flow ?? 'unknown', direction: 'in', sequence: m?.sequence ?? null, status: 'quarantined', reason, warning: null, bundle: name, manifest_sm3: null, files: m?.files ?? [], signer }, tx);
      await audit.record({ actor, action: 'ferry.quarantined', outcome: 'failure', target: { type: 'ferry_bundle', id: r.id }, detail: { bundle: name, flow: m?.flow ?? null, sequence: m?.sequence ?? null, reason } }, tx);
      return r;
    });
    return { bundle: name, status: 'quarantined', flow: m?.flow ?? null, sequence: m?.sequence ?? null, reason, warning: null, transferId: row.id, location: target };
  }

  return {
    /** Writes the next signed bundle of `flow` into <dir>/outbox (or `outDir`). Payload: `files`, else the flow's source. */
    async export(actor: Actor, input: { flow: string; files?: Array<{ name: string; content: Buffer }>; outDir?: string }) {
      const flow = deps.flows.get(input.flow);
      if (!flow) throw new NotFoundError(`flow ${input.flow} is not declared in the gatekeeper list`, { code: 'ferry.undeclared_flow' });
      if (flow.payload !== 'signed-file') throw new ConflictError(`flow ${flow.id} carries ${flow.payload}, not signed files`, { code: 'ferry.not_a_file_flow' });
      if (flow.from !== deps.zone.short) throw new ConflictError(`flow ${flow.id} leaves zone ${flow.from}, not this zone (${deps.zone.short})`, { code: 'ferry.wrong_direction' });
      const prior = await dal.state(flow.id, 'out');
      let files = input.files;
      let cursor = prior?.cursor ?? null;
      if (!files) {
        const source = deps.sources?.[flow.id];
        if (!source) throw new InputError(`flow ${flow.id} has no built-in source here: give the files to ferry`, { code: 'ferry.no_source' });
        const got = await source.collect(cursor);
        files = got.files;
        cursor = got.cursor;
      }
      for (const f of files) if (!isPlainFileName(f.name)) throw new InputError(`bad payload file name ${f.name}`, { code: 'ferry.bad_file_name' });
      const total = files.reduce((n, f) => n + f.content.length, 0);
      if (total > flow.maxFileMb * 1024 * 1024) throw new InputError(`the payload (${total} bytes) exceeds the flow's limit of ${flow.maxFileMb} MiB`, { code: 'ferry.too_large' });
      const outDir = input.outDir ?? sub('outbox');
      mkdirSync(outDir, { recursive: true });
      return db.transaction().execute(async (tx) => {
        const state = await dal.lockState(flow.id, 'out', tx);
        const sequence = Number(state.last_seq) + 1;
        const manifest: FerryManifest = {
          format: FERRY_FORMAT, flow: flow.id, fromZone: deps.zone.short, fromStack: deps.zone.stack, toZone: flow.to, sequence, createdAt: now().toISOString(),
          files: files!.map((f) => ({ name: f.name, size: f.content.length, sm3: sm3Hex(f.content) })),
        };
        const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
        const envelope = await deps.signing.sign(manifestBytes, { label: `ferry:${flow.id}:${sequence}` });
        const name = bundleName(flow.id, sequence);
        const staging = path.join(outDir, `.${name}.partial`);
        rmSync(staging, { recursive: true, force: true });
        mkdirSync(path.join(staging, PAYLOAD_DIR), { recursive: true });
        for (const f of files!) writeFileSync(path.join(staging, PAYLOAD_DIR, f.name), f.content);
        writeFileSync(path.join(staging, MANIFEST), manifestBytes);
        writeFileSync(path.join(staging, SIGNATURE), `${JSON.stringify(envelope, null, 2)}\n`);
        const r = await dal.insertTransfer({ flow: flow.id, direction: 'out', sequence, status: 'exported', reason: null, warning: null, bundle: name, manifest_sm3: sm3Hex(manifestBytes), files: manifest.files, signer: envelope.signerCertSm3 }, tx);
        await dal.setState(flow.id, 'out', sequence, cursor, tx);
        await audit.record({ actor, action: 'ferry.exported', target: { type: 'ferry_bundle', id: r.id }, detail: { flow: flow.id, sequence, files: manifest.files.length, bytes: total } }, tx);
        // Renamed into place last: a crash before commit leaves only a .partial directory, never a half bundle.
        renameSync(staging, path.join(outDir, name));
        return { ...view(r), path: path.join(outDir, name) };
      });
    },

    /** Verifies one bundle directory and imports it into <dir>/inbox/<flow>/<sequence>, or quarantines it with the reason. */
    async importBundle(actor: Actor, bundleDir: string): Promise<ImportOutcome> {
      let manifestBytes: Buffer;
      let manifest: FerryManifest;
      try {
        manifestBytes = readFileSync(path.join(bundleDir, MANIFEST));
      } catch {
        return quarantine(actor, bundleDir, 'no manifest.json in the bundle', null, null);
      }
      let loose: Partial<FerryManifest> | null = null;
      try {
        loose = JSON.parse(manifestBytes.toString('utf8')) as Partial<FerryManifest>;
        manifest = manifestSchema.parse(loose);
      } catch {
        return quarantine(actor, bundleDir, 'the manifest is not a valid yiyun-ferry/1 manifest', loose, null);
      }
      const flow = deps.flows.get(manifest.flow);
      if (!flow) return quarantine(actor, bundleDir, `flow ${manifest.flow} is not declared in the gatekeeper list`, manifest, null);
      if (flow.payload !== 'signed-file' || flow.to !== deps.zone.short || flow.from !== manifest.fromZone || manifest.toZone !== deps.zone.short) {
        return quarantine(actor, bundleDir, `flow ${flow.id} runs ${flow.from} → ${flow.to}; this bundle claims ${manifest.fromZone} → ${manifest.toZone} and arrived in ${deps.zone.short}`, manifest, null);
      }
      let envelope: unknown;
      try {
        envelope = JSON.parse(readFileSync(path.join(bundleDir, SIGNATURE), 'utf8'));
      } catch {
        return quarantine(actor, bundleDir, 'no readable manifest.sig.json (unsigned bundle)', manifest, null);
      }
      const sig = await deps.signing.verify(manifestBytes, envelope, { at: now() });
      if (!sig.valid) return quarantine(actor, bundleDir, `signature: ${sig.reason}`, manifest, sig.signer);
      const expected = `CN=ferry.${manifest.fromStack}.yiyun`;
      if (!sig.signer?.endsWith(expected)) return quarantine(actor, bundleDir, `wrong signer: ${sig.signer} is not the ferry agent of ${manifest.fromStack} (${expected})`, manifest, sig.signer);
      const listed = new Set(manifest.files.map((f) => f.name));
      const present = existsSync(path.join(bundleDir, PAYLOAD_DIR)) ? readdirSync(path.join(bundleDir, PAYLOAD_DIR)) : [];
      const extra = present.filter((n) => !listed.has(n));
      if (extra.length) return quarantine(actor, bundleDir, `payload files not in the manifest: ${extra.join(', ')}`, manifest, sig.signer);
      let bytes = 0;
      for (const f of manifest.files) {
        const p = path.join(bundleDir, PAYLOAD_DIR, f.name);
        if (!existsSync(p)) return quarantine(actor, bundleDir, `payload file ${f.name} is missing`, manifest, sig.signer);
        const content = readFileSync(p);
        bytes += content.length;
        if (content.length !== f.size || sm3Hex(content) !== f.sm3) return quarantine(actor, bundleDir, `payload file ${f.name} was altered (SM3 digest differs from the signed manifest)`, manifest, sig.signer);
      }
      if (bytes > flow.maxFileMb * 1024 * 1024) return quarantine(actor, bundleDir, `payload exceeds the flow's ${flow.maxFileMb} MiB`, manifest, sig.signer);

      const inboxDir = path.join(sub('inbox'), manifest.flow);
      mkdirSync(inboxDir, { recursive: true });
      const target = path.join(inboxDir, String(manifest.sequence).padStart(10, '0'));
      const done = await db.transaction().execute(async (tx) => {
        const state = await dal.lockState(manifest.flow, 'in', tx);
        const verdict = sequenceVerdict(Number(state.last_seq), manifest.sequence);
        if (!verdict.ok) return { replay: verdict.reason } as const;
        const status = verdict.gap ? ('imported_with_gap' as const) : ('imported' as const);
        const r = await dal.insertTransfer({ flow: manifest.flow, direction: 'in', sequence: manifest.sequence, status, reason: null, warning: verdict.gap, bundle: path.basename(bundleDir), manifest_sm3: sm3Hex(manifestBytes), files: manifest.files, signer: sig.signer }, tx);
        await dal.setState(manifest.flow, 'in', manifest.sequence, null, tx);
        await audit.record({ actor, action: 'ferry.imported', target: { type: 'ferry_bundle', id: r.id }, detail: { flow: manifest.flow, sequence: manifest.sequence, signer: sig.signer, warning: verdict.gap, files: manifest.files.length, bytes } }, tx);
        if (existsSync(target)) rmSync(target, { recursive: true, force: true });
        renameSync(bundleDir, target);
        return { row: r, gap: verdict.gap, status } as const;
      });
      if ('replay' in done) return quarantine(actor, bundleDir, done.replay!, manifest, sig.signer);
      await deps.sinks?.[manifest.flow]?.accept(manifest, path.join(target, PAYLOAD_DIR));
      return { bundle: path.basename(bundleDir), status: done.status, flow: manifest.flow, sequence: manifest.sequence, reason: null, warning: done.gap, transferId: done.row.id, location: target };
    },

    /** Imports every bundle directory found in `dir` (default <dir>/incoming), in sequence order per flow. */
    async importAll(actor: Actor, dir?: string): Promise<ImportOutcome[]> {
      const from = dir ?? sub('incoming');
      const names = readdirSync(from).filter((n) => !n.startsWith('.') && statSync(path.join(from, n)).isDirectory()).sort();
      const out: ImportOutcome[] = [];
      for (const n of names) out.push(await this.importBundle(actor, path.join(from, n)));
      return out;
    },

    async list(_actor: Actor, q: { flow?: string; status?: string; direction?: string; offset: number; limit: number }) {
      const { rows, total } = await dal.list(q);
      return { items: rows.map(view), total };
    },

    async get(_actor: Actor, id: string) {
      const r = await dal.transfer(id);
      if (!r) throw new NotFoundError('no such ferry transfer', { code: 'ferry.not_found' });
      return view(r);
    },

    flows: () => deps.flows.list().map((f) => ({ ...f, direction: f.from === deps.zone.short ? 'out' : f.to === deps.zone.short ? 'in' : 'none' })),
  };
}

export type FerryService = ReturnType<typeof createFerryService>;

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { systemActor } from '../../../core/authz';
import { isYiyunError } from '../../../core/errors';
import type { FerryService } from './ferry-service';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** `yiyun ferry export --flow <name> [--file f…] [--out DIR]`: 0 when the bundle is written, 1 otherwise. */
export async function ferryExportCommand(ferry: FerryService, opts: { flow: string; files?: string[]; out?: string; json?: boolean }, io: Io): Promise<number> {
  try {
    const files = opts.files?.length ? opts.files.map((f) => ({ name: path.basename(f), content: readFileSync(f) })) : undefined;
    const r = await ferry.export(systemActor('ferry-export'), { flow: opts.flow, files, outDir: opts.out });
    io.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : `exported ${r.flow} #${r.sequence} (${r.files.length} file(s)) to ${r.path}\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`ferry export failed: ${isYiyunError(e) ? `${e.message} (${e.code})` : (e as Error).message}\n`);
    return 1;
  }
}

/** `yiyun ferry import [--bundle DIR | --dir INCOMING]`: 0 when all imported (gaps warned), 3 when any was quarantined. */
export async function ferryImportCommand(ferry: FerryService, opts: { bundle?: string; dir?: string; json?: boolean }, io: Io): Promise<number> {
  const actor = systemActor('ferry-import');
  const results = opts.bundle ? [await ferry.importBundle(actor, opts.bundle)] : await ferry.importAll(actor, opts.dir);
  for (const r of results) {
    if (opts.json) io.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.status === 'quarantined') io.stderr.write(`QUARANTINED ${r.bundle}: ${r.reason} → ${r.location}\n`);
    else io.stdout.write(`imported ${r.flow} #${r.sequence}${r.warning ? ` (warning: ${r.warning})` : ''} → ${r.location}\n`);
  }
  if (!opts.json && results.length === 0) io.stdout.write('nothing to import\n');
  return results.some((r) => r.status === 'quarantined') ? 3 : 0;
}

import type { Settings } from '../../core/config';
import { createLogger } from '../../core/log';
import { ferryExportCommand, ferryImportCommand, type FerryService } from '../../security/crypto';
import { buildContext } from '../server/context';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Builds this zone's context (YIYUN_ZONE decides which side of the gatekeeper we are), runs `fn` with its ferry, closes. */
async function withFerry(settings: Settings, fn: (ferry: FerryService) => Promise<number>): Promise<number> {
  const ctx = await buildContext(settings, createLogger({ level: 'warn' }));
  try {
    const ferry = ctx.rooms.get('crypto')?.exports?.ferry as FerryService | undefined;
    if (!ferry) throw new Error('the crypto room is not wired in this context');
    return await fn(ferry);
  } finally {
    await ctx.close();
  }
}

/** `yiyun ferry export --flow <name> [--file F…] [--out DIR] [--json]`: 0 when the signed bundle is written, 1 otherwise. */
export function ferryExportCli(settings: Settings, opts: { flow: string; files?: string[]; out?: string; json?: boolean }, io: Io): Promise<number> {
  return withFerry(settings, (ferry) => ferryExportCommand(ferry, opts, io));
}

/** `yiyun ferry import [--bundle DIR | --dir INCOMING] [--json]`: 0 when everything was imported, 3 when anything was quarantined. */
export function ferryImportCli(settings: Settings, opts: { bundle?: string; dir?: string; json?: boolean }, io: Io): Promise<number> {
  return withFerry(settings, (ferry) => ferryImportCommand(ferry, opts, io));
}

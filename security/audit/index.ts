import path from 'node:path';
import { moduleFromDir } from '../../core/db';

export * from './log-audit';
export * from './log-audit-routes';
export * from './log-audit-schemas';
export { startListeners, type ListenerOptions, type RunningListeners, type SourceResolver } from './ingest/listeners';
export { normalise, type LogEvent, type CustomParser } from './parsers/normalise-fns';
export { parseSigmaYaml, compileRule, type SigmaRule } from './sigma/sigma-fns';
export { createSigmaEngine, type RaisedAlert } from './sigma/sigma-engine';
export { MIN_RETENTION_DAYS } from './retention/retention-service';
export { createArchiveService, directoryStore, type ArchiveManifest, type RemoteStore } from './archive/archive-service';
export { sftpStore, type SftpTarget } from './archive/sftp-store';

/** The log audit's schema (`logaudit`; `audit` is the kernel's trail) and its migrations. */
export const logAuditModule = () => moduleFromDir('log-audit', 'logaudit', path.join(__dirname, 'migrations'));

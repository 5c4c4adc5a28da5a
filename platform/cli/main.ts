import { Command, CommanderError } from 'commander';
import { loadSettings } from '../../core/config';
import { ConfigError } from '../../core/errors';
import { createLogger } from '../../core/log';
import { MigrationError } from '../../core/db';
import { startServer, VERSION } from '../server/serve';
import { auditVerifyCommand } from './audit-command';
import { backupRunCommand, DEFAULT_POLICIES_FILE } from './backup-command';
import { permissionsMarkdown } from './docs-command';
import { evidenceCommand, evidenceVerifyCommand } from './evidence-command';
import { ferryExportCli, ferryImportCli } from './ferry-command';
import { importRulesCommand } from './log-audit-command';

/** Builds the `yiyun` command; `io` is injectable so tests run it in-process. */
export function buildCli(io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process, setExit: (code: number) => void = (c) => (process.exitCode = c)) {
  const program = new Command('yiyun')
    .description('yiyun 医云: cloud, security and compliance control plane of the county medical consortium')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('serve')
    .description('run the API, the console and the in-process security listeners')
    .action(async () => {
      const settings = loadSettings();
      const logger = createLogger({ level: settings.YIYUN_LOG_LEVEL });
      const running = await startServer(settings, logger, { print: (l) => io.stdout.write(`${l}\n`) });
      io.stdout.write(`yiyun ${VERSION} is serving the console at ${running.url}/ (database: ${running.ctx.database.description})\n`);
      io.stdout.write('log in as admin; the first login asks for a new password and a second factor (TOTP)\n');
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        running.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });

  program
    .command('run <role>')
    .description('run one role alone, as deployed on Kubernetes: log-audit, bastion, db-audit, kms, compliance')
    .action(async (role: string) => {
      const settings = loadSettings();
      const logger = createLogger({ level: settings.YIYUN_LOG_LEVEL });
      const running = await startServer(settings, logger, { role, print: (l) => io.stdout.write(`${l}\n`) });
      io.stdout.write(`yiyun ${VERSION} role ${role} is running (health, readiness and metrics at ${running.url})\n`);
      const shutdown = () => running.stop().then(() => process.exit(0), () => process.exit(1));
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    });

  program
    .command('plan')
    .description('run the Pulumi program offline under mocks: resources, totals against the pools, policy violations (exit 0 fits and passes, 2 violations or over capacity, 1 errors)')
    .requiredOption('--stack <name>', 'a stack (liangcheng-dmz, liangcheng-internet, dev), or several separated by commas')
    .option('--json', 'print one JSON document')
    .option('--diagram <file.svg>', 'draw the declared topology as SVG')
    .action(async (opts: { stack: string; json?: boolean; diagram?: string }) => {
      // Loaded on demand: the Pulumi program is heavy and only `plan` needs it.
      const { runPlanCommand } = require('../../infra/plan/plan-command') as typeof import('../../infra/plan/plan-command');
      setExit(await runPlanCommand({ stack: opts.stack, json: !!opts.json, diagram: opts.diagram }, io));
    });

  const audit = program.command('audit').description('the audit trail');
  audit
    .command('verify')
    .description('walk the SM3 hash chain and the SM2-signed checkpoints; exit 0 when intact')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      setExit(await auditVerifyCommand(loadSettings(), { json: !!opts.json }, io));
    });

  const evidence = program
    .command('evidence')
    .description('the 等保 / 密评 evidence pack for assessors')
    .option('--out <dir>', 'write the pack into this new or empty directory')
    .option('--zip', 'also write <dir>.zip')
    .action(async (opts: { out?: string; zip?: boolean }) => {
      if (!opts.out) {
        io.stderr.write('yiyun evidence: --out <dir> is required\n');
        setExit(1);
        return;
      }
      setExit(await evidenceCommand(loadSettings(), { out: opts.out, zip: !!opts.zip }, io));
    });
  evidence
    .command('verify <dir>')
    .description('check every file of a pack against its SM2-signed manifest; exit 0 when intact')
    .option('--public-key <hex>', 'the zone signing key (04…); defaults to this zone’s key file')
    .action(async (dir: string, opts: { publicKey?: string }) => {
      setExit(await evidenceVerifyCommand(loadSettings(), dir, opts, io));
    });

  const ferry = program.command('ferry').description('the signed gatekeeper ferry (网闸摆渡) between the zones; YIYUN_ZONE says which side this is');
  ferry
    .command('export')
    .description('write the next SM2-signed bundle of a declared flow (exit 0 written, 1 refused)')
    .requiredOption('--flow <name>', 'a flow of the estate’s gatekeeper list (e.g. internet-audit-logs, dmz-config)')
    .option('--file <path...>', 'ferry these files instead of the flow’s built-in source')
    .option('--out <dir>', 'write the bundle under this directory (default: <data dir>/ferry/outbox)')
    .option('--json', 'print the transfer as JSON')
    .action(async (opts: { flow: string; file?: string[]; out?: string; json?: boolean }) => {
      setExit(await ferryExportCli(loadSettings(), { flow: opts.flow, files: opts.file, out: opts.out, json: !!opts.json }, io));
    });
  ferry
    .command('import')
    .description('verify and import incoming bundles; anything that fails is quarantined with its reason (exit 0 all imported, 3 any quarantined)')
    .option('--bundle <dir>', 'one bundle directory')
    .option('--dir <dir>', 'every bundle in this directory (default: <data dir>/ferry/incoming)')
    .option('--json', 'one JSON line per bundle')
    .action(async (opts: { bundle?: string; dir?: string; json?: boolean }) => {
      setExit(await ferryImportCli(loadSettings(), { bundle: opts.bundle, dir: opts.dir, json: !!opts.json }, io));
    });

  program
    .command('backup')
    .description('the estate’s declared backup policies (备份策略)')
    .command('run')
    .description('back up every Cinder volume a policy names (metadata yiyun.backup-policy, and volumes of VMs that carry it), then delete its backups past retention (exit 0 all done, 2 any volume or deletion failed, 1 could not run)')
    .requiredOption('--policy <name>', 'a policy of the policies file (e.g. daily-incremental, weekly-full)')
    .option('--zone <zone>', 'the zone this runs in (default: YIYUN_ZONE)')
    .option('--policies <file>', 'the backup-policies ConfigMap’s policies.json', DEFAULT_POLICIES_FILE)
    .option('--wait-minutes <n>', 'how long to wait for the backups to become available', (v) => Number(v), 240)
    .option('--dry-run', 'list what would be backed up and deleted; change nothing')
    .option('--json', 'print one JSON document')
    .action(async (opts: { policy: string; zone?: string; policies: string; waitMinutes: number; dryRun?: boolean; json?: boolean }) => {
      setExit(await backupRunCommand(loadSettings(), opts, io));
    });

  const logAudit = program.command('log-audit').description('the log audit (日志审计)');
  logAudit
    .command('import-rules <paths...>')
    .description('import Sigma YAML rule files (or directories of them) into the rule store; every file must compile or nothing is imported (exit 0 imported, 2 invalid files)')
    .option('--disabled', 'import the rules disabled')
    .option('--dry-run', 'check the files only')
    .option('--json', 'print one JSON document')
    .action(async (paths: string[], opts: { disabled?: boolean; dryRun?: boolean; json?: boolean }) => {
      setExit(await importRulesCommand(loadSettings(), paths, opts, io));
    });

  program
    .command('docs')
    .description('generated documentation')
    .command('permissions')
    .description('print the route → permission → roles table as Markdown')
    .action(async () => {
      io.stdout.write(await permissionsMarkdown());
    });

  return program;
}

/** Runs the CLI and turns known failures into a message and a non-zero exit. */
export async function main(argv: string[]): Promise<void> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof ConfigError || err instanceof MigrationError) {
      process.stderr.write(`yiyun: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`yiyun: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

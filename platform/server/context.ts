import path from 'node:path';
import type { Request } from 'express';
import { anonymousActor, systemActor } from '../../core/authz';
import { auditModule, auditRoutes, createAuditTrail, loadOrCreateSigningKey, type AuditTrail } from '../../core/audit';
import type { Settings } from '../../core/config';
import { migrationStatus, openDatabase, runMigrations, type Database, type ModuleMigrations } from '../../core/db';
import type { RouteDef } from '../../core/http';
import type { Logger } from '../../core/log';
import { ConfigError } from '../../core/errors';
import {
  accountRoutes,
  authRoutes,
  createAccountService,
  createAuthCache,
  createAuthService,
  createIdentityDal,
  createRequestAuthenticator,
  identityModule,
  type AccountService,
  type AuthService,
} from '../identity';
import { createTenantsDal, createTenantsService, tenantsModule, tenantsRoutes, type TenantsService } from '../tenants';
import { createLocalSealer } from './local-secrets';
import { switchableSigner } from './audit-signer';
import type { BaseServices, RoomInstance, RoomWiring } from './room';
import { cryptoWiring } from './wire-crypto';
import { cloudWiring } from './wire-cloud';
import { complianceWiring } from './wire-compliance';
import { bastionWiring } from './wire-bastion';
import { dbauditWiring } from './wire-dbaudit';
import { logAuditWiring } from './wire-log-audit';

/**
 * The rooms beyond the kernel, identity and tenants, in build order (a room may use those before it).
 * Each room adds one `wire-<room>.ts` and one line here.
 */
export const ROOMS: RoomWiring[] = [cryptoWiring, bastionWiring, dbauditWiring, logAuditWiring, cloudWiring];

/** The build order: compliance always last, since it collects the evidence sources the rooms before it export. */
function orderedRooms(): RoomWiring[] {
  return [...ROOMS, complianceWiring];
}

/** Every room's migrations, in dependency order. */
export function allModules(): ModuleMigrations[] {
  return [auditModule(), identityModule(), tenantsModule(), ...orderedRooms().flatMap((r) => r.modules)];
}

export type AppContext = {
  settings: Settings;
  database: Database;
  audit: AuditTrail;
  accounts: AccountService;
  auth: AuthService;
  tenants: TenantsService;
  routes: RouteDef[];
  rooms: ReadonlyMap<string, RoomInstance>;
  /** Starts the rooms' listeners and jobs (serve only). */
  start(): Promise<void>;
  authenticate(req: Request): ReturnType<ReturnType<typeof createRequestAuthenticator>>;
  modules: ModuleMigrations[];
  close(): Promise<void>;
};

/** Opens the database the settings name: PostgreSQL when DATABASE_URL is set, else PGlite in the data dir. */
export function openConfiguredDatabase(settings: Settings): Promise<Database> {
  return settings.DATABASE_URL
    ? openDatabase({ kind: 'postgres', url: settings.DATABASE_URL, prepareThreshold: settings.YIYUN_DB_PREPARE_THRESHOLD })
    : openDatabase({ kind: 'pglite', dataDir: path.resolve(settings.YIYUN_DATA_DIR) });
}

/** The composition root: DALs, then services, then routes. Migrations run first. */
/** `yiyun run <role>`: the deployable roles and the room each runs alone. */
export const ROLE_ROOMS: Record<string, string> = { 'log-audit': 'log-audit', bastion: 'bastion', 'db-audit': 'dbaudit', kms: 'crypto', compliance: 'compliance' };

export async function buildContext(settings: Settings, logger: Logger, opts: { database?: Database; role?: string } = {}): Promise<AppContext> {
  const database = opts.database ?? (await openConfiguredDatabase(settings));
  const modules = allModules();
  const applied = await runMigrations(database.db, modules);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const db = database.db;

  // The key file signs until the crypto room certifies the same key pair through the signing service (audit-signer.ts).
  const signer = switchableSigner(loadOrCreateSigningKey(settings.YIYUN_DATA_DIR));
  const audit = createAuditTrail({ db, signer, checkpointEvery: settings.YIYUN_AUDIT_CHECKPOINT_EVERY, logger });

  const tenants = createTenantsService({ db, dal: createTenantsDal(db), audit });
  const identityDal = createIdentityDal(db);
  const sealer = createLocalSealer(settings.YIYUN_DATA_DIR);
  // One cache for both: the account service's writes invalidate what the authenticator remembers.
  const authCache = createAuthCache();
  const accounts = createAccountService({ db, dal: identityDal, audit, tenants, sealer, authCache });
  const auth = createAuthService({ db, dal: identityDal, audit, accounts, sealer, issuer: 'yiyun 医云', cache: authCache });

  const rooms = new Map<string, RoomInstance>();
  for (const wiring of orderedRooms()) {
    const base: BaseServices = { settings, logger, db, audit, signer, sealer, accounts, auth, tenants, rooms };
    rooms.set(wiring.name, await wiring.build(base));
  }
  // A role runs one room alone (its own Deployment): only that room's routes and listeners, plus login.
  const roleRoom = opts.role ? rooms.get(ROLE_ROOMS[opts.role] ?? '') : undefined;
  if (opts.role && !roleRoom) {
    throw new ConfigError(`unknown role "${opts.role}"; roles: ${Object.keys(ROLE_ROOMS).filter((r) => rooms.has(ROLE_ROOMS[r]!)).join(', ')}`);
  }
  const active = roleRoom ? [roleRoom] : [...rooms.values()];
  const routes: RouteDef[] = roleRoom
    ? [...authRoutes(auth), ...(roleRoom.routes ?? [])]
    : [...authRoutes(auth), ...accountRoutes(accounts), ...tenantsRoutes(tenants), ...auditRoutes(audit), ...active.flatMap((r) => r.routes ?? [])];

  return {
    settings,
    database,
    audit,
    accounts,
    auth,
    tenants,
    routes,
    modules,
    rooms,
    start: async () => {
      for (const r of active) await r.start?.();
    },
    authenticate: createRequestAuthenticator(auth),
    close: async () => {
      for (const r of [...active].reverse()) await r.stop?.().catch((err: unknown) => logger.error({ err }, 'room stop failed'));
      await audit.checkpoint('shutdown').catch((err: unknown) => logger.error({ err }, 'shutdown checkpoint failed'));
      await database.close();
    },
  };
}

/** `/readyz`: the database answers and no migration is pending. */
export async function readiness(ctx: Pick<AppContext, 'database' | 'modules'>) {
  try {
    await ctx.database.ping();
    const status = await migrationStatus(ctx.database.db, ctx.modules);
    const pending = status.filter((s) => s.pending.length > 0);
    return { ready: pending.length === 0, checks: { database: 'ok', migrations: pending.length ? { pending } : 'ok' } };
  } catch (err) {
    return { ready: false, checks: { database: (err as Error).message } };
  }
}

export { anonymousActor, systemActor };

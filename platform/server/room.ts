import type { Kysely } from 'kysely';
import type { AuditTrail } from '../../core/audit';
import type { Settings } from '../../core/config';
import type { ModuleMigrations } from '../../core/db';
import type { RouteDef } from '../../core/http';
import type { Logger } from '../../core/log';
import type { AccountService, AuthService, SecretSealer } from '../identity';
import type { TenantsService } from '../tenants';
import type { AuditSigner } from './audit-signer';

/** What every room is built on: the kernel's shared services and the platform's identity and tenants. */
export type BaseServices = {
  settings: Settings;
  logger: Logger;
  db: Kysely<any>;
  audit: AuditTrail;
  /** The audit signer: the key file until the crypto room switches it to the signing service (audit-signer.ts). */
  signer: AuditSigner;
  sealer: SecretSealer;
  accounts: AccountService;
  auth: AuthService;
  tenants: TenantsService;
  /** Rooms built before this one, by name, for the ports a room needs from another. */
  rooms: ReadonlyMap<string, RoomInstance>;
};

/** A built room: its routes, its background work, and what it exposes to later rooms. */
export type RoomInstance = {
  routes?: RouteDef[];
  /** Starts listeners and jobs after the HTTP server is up (`yiyun serve` only). */
  start?(): Promise<void>;
  /** Stops them; called before the database closes. */
  stop?(): Promise<void>;
  /** Anything later rooms may use through their own ports (services, evidence sources). */
  exports?: Record<string, unknown>;
};

/**
 * How `platform/server` wires a room: its migrations are known up front (they run before anything is
 * built), then `build` receives the base services. One `wire-<room>.ts` file per room.
 */
export type RoomWiring = {
  name: string;
  modules: ModuleMigrations[];
  build(base: BaseServices): Promise<RoomInstance> | RoomInstance;
};

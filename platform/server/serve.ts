import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import { systemActor } from '../../core/authz';
import type { Settings } from '../../core/config';
import type { Database } from '../../core/db';
import { createHttpApp, createHttpServer, createMetrics } from '../../core/http';
import type { Logger } from '../../core/log';
import { rolePermissionMap } from '../identity';
import { buildContext, readiness, type AppContext } from './context';
import { VERSION } from './version';

export { VERSION };

export const DEFAULT_CONSOLE_DIR = path.resolve(__dirname, '../../dist/console');

export type RunningServer = { ctx: AppContext; app: Express; server: Server; url: string; stop(): Promise<void> };

/** The express app over a built context. */
export function createApp(ctx: AppContext, logger: Logger): Express {
  return createHttpApp({
    logger,
    metrics: createMetrics(),
    routes: ctx.routes,
    authenticate: ctx.authenticate,
    auditDenied: async (entry) => {
      await ctx.audit.record(entry);
    },
    readiness: () => readiness(ctx),
    rolePermissions: rolePermissionMap(),
    maxBodyBytes: ctx.settings.YIYUN_MAX_BODY_BYTES,
    rateLimitPerMinute: ctx.settings.YIYUN_RATE_LIMIT_PER_MINUTE,
    loginRateLimitPerMinute: ctx.settings.YIYUN_LOGIN_RATE_LIMIT_PER_MINUTE,
    trustProxy: ctx.settings.YIYUN_TRUST_PROXY,
    publicOrigin: ctx.settings.YIYUN_PUBLIC_ORIGIN,
    consoleDir: ctx.settings.YIYUN_CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR,
    version: VERSION,
  });
}

/**
 * `yiyun serve`: migrate, create the first admin on an empty database (its one-time password printed once),
 * listen, and stop gracefully (in-flight requests finish, the audit tail is signed).
 */
export async function startServer(settings: Settings, logger: Logger, opts: { database?: Database; print?: (line: string) => void; role?: string } = {}): Promise<RunningServer> {
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const ctx = await buildContext(settings, logger, opts);
  // Only the control plane creates the first admin; a role process joins an existing database.
  const boot = opts.role ? { created: false as const, password: undefined } : await ctx.accounts.bootstrapAdmin(systemActor('bootstrap'), settings.YIYUN_ADMIN_PASSWORD);
  if (boot.created && !settings.YIYUN_ADMIN_PASSWORD) print(`initial admin password: ${boot.password}`);
  if (boot.created && settings.YIYUN_ADMIN_PASSWORD) print('initial admin created with the password from YIYUN_ADMIN_PASSWORD');

  const app = createApp(ctx, logger);
  const server = createHttpServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.PORT, settings.HOST, () => resolve());
  });
  await ctx.start();
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await ctx.close();
    })());
  return { ctx, app, server, url, stop };
}

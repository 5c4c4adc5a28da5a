import { z } from 'zod';
import { optionalText, pageQuery, timestamp } from '../../core/http/schemas';

/** Filters of the statement search (the same shape as the log audit's). */
export const statementQuery = z.strictObject({
  ...pageQuery,
  user: optionalText(100), database: optionalText(100), command: optionalText(40), text: optionalText(200), srcIp: optionalText(64),
  engine: z.enum(['postgresql', 'mysql']).optional(), failed: z.enum(['true', 'false']).optional(), from: z.coerce.date().optional(), to: z.coerce.date().optional(),
});

const endpoint = z.object({ ip: z.string(), port: z.number().int() });

/** One audited statement, OCSF datastore-style: actor, src/dst endpoints, database and objects, query, outcome. */
export const statementView = z.object({
  id: z.number().int(), connectionId: z.string(), engine: z.string(), time: timestamp(),
  src: endpoint, dst: endpoint,
  actor: z.object({ user: z.string().nullable(), program: z.string().nullable() }),
  database: z.object({ name: z.string().nullable(), objects: z.array(z.string()) }),
  protocol: z.string(), command: z.string(), sql: z.string(), params: z.array(z.unknown()).nullable(),
  rows: z.number().nullable(), durationMs: z.number(), error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const connectionView = z.object({
  id: z.string(), engine: z.string(), srcIp: z.string(), srcPort: z.number().int(), dstIp: z.string(), dstPort: z.number().int(),
  dbUser: z.string().nullable(), dbName: z.string().nullable(), clientProgram: z.string().nullable(), clientTls: z.boolean(), upstreamTls: z.boolean(),
  authOk: z.boolean().nullable(), authError: z.string().nullable(), startedAt: timestamp(), endedAt: timestamp().nullable(),
});

export const alertView = z.object({
  id: z.number().int(), at: timestamp(), kind: z.string(), severity: z.enum(['low', 'medium', 'high', 'critical']), statementId: z.number().int().nullable(),
  connectionId: z.string().nullable(), dbUser: z.string().nullable(), srcIp: z.string().nullable(), detail: z.record(z.string(), z.unknown()),
});

export const routineView = z.object({ engine: z.string(), database: z.string(), name: z.string(), language: z.string().nullable(), tables: z.array(z.string()), learnedAt: timestamp() });

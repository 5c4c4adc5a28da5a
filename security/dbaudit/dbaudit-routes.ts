import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../core/http';
import { listOf, optionalText, pageQuery } from '../../core/http/schemas';
import { alertView, connectionView, routineView, statementQuery, statementView } from './dbaudit-schemas';
import type { DbAuditService } from './dbaudit-service';

const tag = 'db-audit';

/** Statements, connections, detections and learned routines recorded by the database-audit proxies. */
export function dbauditRoutes(svc: DbAuditService): RouteDef[] {
  return [
    defineRoute({ method: 'get', path: '/api/db-audit/statements', tag, summary: 'Search audited statements', access: 'dbaudit.read', query: statementQuery, response: listOf(statementView), handler: ({ query }) => svc.listStatements(query) }),
    defineRoute({ method: 'get', path: '/api/db-audit/connections', tag, summary: 'Client connections through the proxies', access: 'dbaudit.read', query: z.strictObject(pageQuery), response: listOf(connectionView), handler: ({ query }) => svc.listConnections(query) }),
    defineRoute({ method: 'get', path: '/api/db-audit/alerts', tag, summary: 'Detections (injection, guessing, dangerous statements, off-hours, many addresses)', access: 'dbaudit.read', query: z.strictObject({ ...pageQuery, kind: optionalText(60) }), response: listOf(alertView), handler: ({ query }) => svc.listAlerts(query) }),
    defineRoute({ method: 'get', path: '/api/db-audit/routines', tag, summary: 'Stored procedures and functions learned, with the tables they touch', access: 'dbaudit.read', query: z.strictObject(pageQuery), response: listOf(routineView), handler: ({ query }) => svc.listRoutines(query) }),
  ];
}

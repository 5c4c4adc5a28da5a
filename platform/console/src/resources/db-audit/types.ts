/** The database audit's API shapes as the console sees them (security/dbaudit/dbaudit-service.ts). */
export type DbStatement = {
  id: number; connectionId: string; engine: string; time: string;
  src: { ip: string | null; port: number | null }; dst: { ip: string | null; port: number | null };
  actor: { user: string | null; program: string | null }; database: { name: string | null; objects: string[] | null };
  protocol: string; command: string; sql: string; params: unknown[] | null; rows: number | null; durationMs: number | null; error: { code: string; message: string | null } | null;
};
export type DbConnection = {
  id: string; engine: string; srcIp: string | null; srcPort: number | null; dstIp: string | null; dstPort: number | null; dbUser: string | null; dbName: string | null;
  clientProgram: string | null; clientTls: boolean | null; upstreamTls: boolean | null; authOk: boolean | null; authError: string | null; startedAt: string; endedAt: string | null;
};
export type DbAlert = { id: number; at: string; kind: string; severity: string; statementId: number | null; connectionId: string | null; dbUser: string | null; srcIp: string | null; detail: Record<string, unknown> | null };

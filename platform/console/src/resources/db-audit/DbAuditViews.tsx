import { Box, Chip, Grid, Typography } from '@mui/material';
import { DataTable, DateTimeInput, FilterButton, List, SelectInput, TextInput, TopToolbar, useListContext, useRecordContext, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField, JsonBlock, Mono } from '../../components/fields';
import { FieldGrid, Item } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { ReportExportMenu } from '../bastion/ReportExport';
import type { DbAlert, DbConnection, DbStatement } from './types';

const S = 'db-audit-statements';
const C = 'db-audit-connections';
const A = 'db-audit-alerts';

const endpoint = (e: { ip: string | null; port: number | null }) => (e.ip ? `${e.ip}:${e.port ?? ''}` : '—');

const statementFilters = [
  <DateTimeInput key="from" source="from" label={`resources.${S}.filters.from`} alwaysOn />,
  <DateTimeInput key="to" source="to" label={`resources.${S}.filters.to`} alwaysOn />,
  <TextInput key="text" source="text" label={`resources.${S}.filters.text`} alwaysOn />,
  <TextInput key="user" source="user" label={`resources.${S}.filters.user`} />,
  <TextInput key="database" source="database" label={`resources.${S}.filters.database`} />,
  <SelectInput key="command" source="command" label={`resources.${S}.filters.command`} choices={['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'GRANT', 'REVOKE', 'COPY', 'CALL', 'BEGIN', 'COMMIT', 'SET'].map((id) => ({ id, name: id }))} />,
  <TextInput key="srcIp" source="srcIp" label={`resources.${S}.filters.srcIp`} />,
  <SelectInput key="engine" source="engine" label={`resources.${S}.filters.engine`} choices={choicesOf(S, 'engine', ['postgresql', 'mysql'])} />,
  <SelectInput key="failed" source="failed" label={`resources.${S}.filters.failed`} choices={choicesOf(S, 'failed', ['true', 'false'])} />,
];

/** The statements summary and sessions reports, with the list's time, account and database filters. */
const Actions = () => {
  const { filterValues } = useListContext();
  const { can } = usePerms();
  return (
    <TopToolbar>
      <FilterButton />
      {can(S, 'report') && <ReportExportMenu kinds={['dbaudit-statements', 'dbaudit-sessions']} filter={filterValues as Record<string, string>} testId="db-audit-export" />}
    </TopToolbar>
  );
};

/** Bind values as the proxy recorded them (or as masked by policy); null for simple-protocol statements. */
const ParamsView = ({ params }: { params: unknown[] | null }) => {
  const t = useTranslate();
  if (params === null || params === undefined) return <Typography variant="body2" color="text.secondary">{t(`resources.${S}.params_none`)}</Typography>;
  const masked = params.length > 0 && params.every((p) => p === '***');
  return (
    <Box>
      <Box component="ol" start={1} sx={{ m: 0, pl: 3, fontFamily: 'monospace', fontSize: 13 }} data-testid="statement-params">
        {params.map((p, i) => (
          <li key={i}>
            <code>{`$${i + 1} = ${p === null ? 'NULL' : JSON.stringify(p)}`}</code>
          </li>
        ))}
      </Box>
      {masked && <Chip size="small" label={t(`resources.${S}.params_masked`)} sx={{ mt: 0.5 }} />}
    </Box>
  );
};

/** Every field the proxy recorded for one statement (the list's expand panel: the API has no per-statement route). */
export const StatementDetail = () => {
  const r = useRecordContext<DbStatement>();
  const t = useTranslate();
  if (!r) return null;
  const f = (k: string) => `resources.${S}.fields.${k}`;
  return (
    <Box sx={{ p: 2, bgcolor: 'grey.50' }} data-testid="statement-detail">
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 7 }}>
          <Item label={f('sql')}>
            <Box component="pre" sx={{ m: 0, p: 1, bgcolor: 'background.paper', border: '1px solid', borderColor: 'grey.200', borderRadius: 1, whiteSpace: 'pre-wrap', fontSize: 13 }}>
              {r.sql}
            </Box>
          </Item>
          <Box sx={{ mt: 1.5 }}>
            <Item label={f('params')}>
              <ParamsView params={r.params} />
            </Item>
          </Box>
          {r.error && (
            <Box sx={{ mt: 1.5 }}>
              <Item label={f('error')}>
                <Typography color="error" variant="body2">
                  <Mono>{r.error.code}</Mono> {r.error.message}
                </Typography>
              </Item>
            </Box>
          )}
        </Grid>
        <Grid size={{ xs: 12, md: 5 }}>
          <FieldGrid>
            <Item label={f('id')}>{r.id}</Item>
            <Item label={f('time')}>
              <DateTimeField source="time" />
            </Item>
            <Item label={f('engine')}>{t(`resources.${S}.choices.engine.${r.engine}`, { _: r.engine })}</Item>
            <Item label={f('protocol')}>{t(`resources.${S}.choices.protocol.${r.protocol}`, { _: r.protocol })}</Item>
            <Item label={f('src')}>
              <Mono>{endpoint(r.src)}</Mono>
            </Item>
            <Item label={f('dst')}>
              <Mono>{endpoint(r.dst)}</Mono>
            </Item>
            <Item label={f('user')}>{r.actor.user ?? '—'}</Item>
            <Item label={f('program')}>{r.actor.program ?? '—'}</Item>
            <Item label={f('database')}>{r.database.name ?? '—'}</Item>
            <Item label={f('objects')}>{(r.database.objects ?? []).join(', ') || '—'}</Item>
            <Item label={f('command')}>{r.command}</Item>
            <Item label={f('rows')}>{r.rows ?? '—'}</Item>
            <Item label={f('durationMs')}>{r.durationMs ?? '—'}</Item>
            <Item label={f('connectionId')}>
              <Mono>{r.connectionId}</Mono>
            </Item>
          </FieldGrid>
        </Grid>
      </Grid>
    </Box>
  );
};

const Outcome = ({ r }: { r: DbStatement }) => {
  const t = useTranslate();
  return r.error ? <Chip size="small" color="error" label={r.error.code} /> : <Chip size="small" variant="outlined" color="success" label={t(`resources.${S}.ok`)} />;
};

/** Audited SQL statements, filtered like the log search (time range, account, database, command, client, text). */
export const StatementList = () => (
  <List filters={statementFilters} actions={<Actions />} perPage={25} exporter={false} sort={{ field: 'time', order: 'DESC' }}>
    <DataTable<DbStatement> rowClick="expand" expand={<StatementDetail />} bulkActionButtons={false} data-testid="db-statements-table">
      <DataTable.Col source="time" disableSort>
        <DateTimeField source="time" />
      </DataTable.Col>
      <DataTable.Col source="user" disableSort render={(r) => r.actor.user} />
      <DataTable.Col source="src" disableSort render={(r) => <Mono>{r.src.ip}</Mono>} />
      <DataTable.Col source="database" disableSort render={(r) => r.database.name} />
      <DataTable.Col source="command" disableSort />
      <DataTable.Col source="sql" disableSort render={(r) => <Mono>{r.sql.length > 90 ? `${r.sql.slice(0, 90)}…` : r.sql}</Mono>} />
      <DataTable.Col source="rows" disableSort />
      <DataTable.Col source="durationMs" disableSort />
      <DataTable.Col source="error" disableSort render={(r) => <Outcome r={r as DbStatement} />} />
    </DataTable>
  </List>
);

const AuthChip = ({ ok }: { ok: boolean | null }) => {
  const t = useTranslate();
  const k = ok === null ? 'pending' : ok ? 'ok' : 'failed';
  return <Chip size="small" color={ok === null ? 'default' : ok ? 'success' : 'error'} label={t(`resources.${C}.auth.${k}`)} />;
};

/** Client sessions through the proxies: who, from where, to where, with which program, over TLS or not. */
export const ConnectionList = () => (
  <List perPage={25} exporter={false} sort={{ field: 'startedAt', order: 'DESC' }}>
    <DataTable<DbConnection> bulkActionButtons={false} data-testid="db-connections-table">
      <DataTable.Col source="startedAt" disableSort>
        <DateTimeField source="startedAt" />
      </DataTable.Col>
      <DataTable.Col source="engine" disableSort />
      <DataTable.Col source="src" disableSort render={(r) => <Mono>{endpoint({ ip: r.srcIp, port: r.srcPort })}</Mono>} />
      <DataTable.Col source="dst" disableSort render={(r) => <Mono>{endpoint({ ip: r.dstIp, port: r.dstPort })}</Mono>} />
      <DataTable.Col source="dbUser" disableSort />
      <DataTable.Col source="dbName" disableSort />
      <DataTable.Col source="clientProgram" disableSort />
      <DataTable.Col source="tls" disableSort render={(r) => `${r.clientTls ? 'TLS' : '—'} / ${r.upstreamTls ? 'TLS' : '—'}`} />
      <DataTable.Col source="authOk" disableSort render={(r) => <AuthChip ok={r.authOk} />} />
      <DataTable.Col source="authError" disableSort />
      <DataTable.Col source="endedAt" disableSort>
        <DateTimeField source="endedAt" />
      </DataTable.Col>
    </DataTable>
  </List>
);

const SEVERITY_TONES = { low: 'info', medium: 'warning', high: 'error', critical: 'error' } as const;
const KINDS = ['sqli.tautology', 'sqli.union', 'sqli.time_based', 'sqli.comment_evasion', 'sqli.stacked', 'danger.drop', 'danger.truncate', 'danger.no_where', 'danger.grant', 'danger.copy_program', 'danger.file_access', 'access.off_hours', 'access.many_ips', 'auth.password_guessing'];
const kindKey = (k: string) => `resources.${A}.kind.${k.replace('.', '_')}`;

export const SeverityChip = ({ severity }: { severity: string }) => {
  const t = useTranslate();
  return <Chip size="small" color={SEVERITY_TONES[severity as keyof typeof SEVERITY_TONES] ?? 'default'} variant={severity === 'critical' ? 'filled' : 'outlined'} label={t(`resources.${A}.severity.${severity}`, { _: severity })} />;
};

/** Detections with their severity: injection, dangerous statements, guessing, off-hours, many addresses. */
export const AlertList = () => {
  const t = useTranslate();
  return (
    <List filters={[<SelectInput key="kind" source="kind" label={`resources.${A}.fields.kind`} choices={KINDS.map((id) => ({ id, name: kindKey(id) }))} alwaysOn />]} perPage={25} exporter={false} sort={{ field: 'at', order: 'DESC' }}>
      <DataTable<DbAlert> bulkActionButtons={false} data-testid="db-alerts-table">
        <DataTable.Col source="at" disableSort>
          <DateTimeField source="at" />
        </DataTable.Col>
        <DataTable.Col source="severity" disableSort render={(r) => <SeverityChip severity={r.severity} />} />
        <DataTable.Col source="kind" disableSort render={(r) => t(kindKey(r.kind), { _: r.kind })} />
        <DataTable.Col source="dbUser" disableSort />
        <DataTable.Col source="srcIp" disableSort render={(r) => <Mono>{r.srcIp ?? '—'}</Mono>} />
        <DataTable.Col source="reason" disableSort render={(r) => (typeof r.detail?.reason === 'string' ? r.detail.reason : <JsonBlock value={r.detail} />)} />
        <DataTable.Col source="statementId" disableSort />
      </DataTable>
    </List>
  );
};

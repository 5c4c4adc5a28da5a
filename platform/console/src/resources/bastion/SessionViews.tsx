import StopCircleIcon from '@mui/icons-material/StopCircle';
import { Chip, Grid, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import {
  BooleanInput,
  DataTable,
  DateTimeInput,
  FilterButton,
  List,
  Show,
  TextInput,
  TopToolbar,
  useNotify,
  useRecordContext,
  useRefresh,
  useListContext,
  useTranslate,
} from 'react-admin';
import { api } from '../../api/http';
import { ConfirmButton } from '../../components/ActionButton';
import { DateTimeField, DateTimeText, Mono } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { RecordingPlayer } from './RecordingPlayer';
import { ReportExportMenu } from './ReportExport';
import type { BastionSession, BastionSessionDetail } from './types';

const R = 'bastion-sessions';

const filters = [
  <TextInput key="operator" source="operator" label={`resources.${R}.filters.operator`} alwaysOn />,
  <TextInput key="asset" source="asset" label={`resources.${R}.filters.asset`} alwaysOn />,
  <TextInput key="text" source="text" label={`resources.${R}.filters.text`} alwaysOn />,
  <DateTimeInput key="from" source="from" label={`resources.${R}.filters.from`} />,
  <DateTimeInput key="to" source="to" label={`resources.${R}.filters.to`} />,
  // The API takes live=true|false as text.
  <BooleanInput key="live" source="live" label={`resources.${R}.filters.live`} parse={(v: boolean) => (v ? 'true' : undefined)} format={(v: unknown) => v === 'true'} />,
];

export const formatBytes = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024 ** 3).toFixed(2)} GiB`);

const StateChip = ({ live }: { live: boolean }) => {
  const t = useTranslate();
  return <Chip size="small" color={live ? 'error' : 'default'} variant={live ? 'filled' : 'outlined'} label={t(`resources.${R}.choices.state.${live ? 'live' : 'ended'}`)} />;
};

const KindText = ({ kind }: { kind: string }) => {
  const t = useTranslate();
  return <>{t(`resources.${R}.choices.kind.${kind}`, { _: kind })}</>;
};

/** Ends a live session (bastion.session_kill, the same permission the API enforces). */
export const KillButton = ({ session }: { session: BastionSession }) => {
  const t = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { can } = usePerms();
  if (!session.live || !can(R, 'kill')) return null;
  return (
    <ConfirmButton
      label={`resources.${R}.kill`}
      color="error"
      icon={<StopCircleIcon />}
      title={t(`resources.${R}.kill_title`)}
      content={t(`resources.${R}.kill_content`, { asset: session.assetName })}
      testId={`kill-${session.id}`}
      onConfirm={async () => {
        await api('POST', `/api/bastion/sessions/${session.id}/kill`).then(
          () => notify(`resources.${R}.killed`, { type: 'success' }),
          (e: Error) => notify(e.message, { type: 'error' }),
        );
        // The gateway closes the channel asynchronously; the list catches up on refresh.
        setTimeout(refresh, 500);
      }}
    />
  );
};

/** The sessions and users reports with the list's current operator, asset and time filters. */
const ListActions = () => {
  const { filterValues } = useListContext();
  const { can } = usePerms();
  return (
    <TopToolbar>
      <FilterButton />
      {can(R, 'report') && <ReportExportMenu kinds={['bastion-sessions', 'bastion-users']} filter={filterValues as Record<string, string>} testId="bastion-sessions-export" />}
    </TopToolbar>
  );
};

/** Live and past sessions, searchable by operator, asset, time and any text typed or shown. */
export const SessionList = () => (
  <List filters={filters} actions={<ListActions />} perPage={25} exporter={false} sort={{ field: 'startedAt', order: 'DESC' }}>
    <DataTable<BastionSession> rowClick="show" bulkActionButtons={false} data-testid="bastion-sessions-table">
      <DataTable.Col source="startedAt" disableSort>
        <DateTimeField source="startedAt" />
      </DataTable.Col>
      <DataTable.Col source="live" disableSort render={(r) => <StateChip live={r.live} />} />
      <DataTable.Col source="operatorLogin" disableSort />
      <DataTable.Col source="sourceIp" disableSort />
      <DataTable.Col source="assetName" disableSort />
      <DataTable.Col source="accountUsername" disableSort />
      <DataTable.Col source="kind" disableSort render={(r) => <KindText kind={r.kind} />} />
      <DataTable.Col source="command" disableSort render={(r) => (r.command ? <Mono>{r.command.length > 60 ? `${r.command.slice(0, 60)}…` : r.command}</Mono> : null)} />
      <DataTable.Col source="endedAt" disableSort>
        <DateTimeField source="endedAt" />
      </DataTable.Col>
      <DataTable.Col label=" " disableSort render={(r) => <KillButton session={r as BastionSession} />} />
    </DataTable>
  </List>
);

const SessionDetail = () => {
  // The list's row stands in until the detail (with commands and transfers) arrives.
  const s = useRecordContext<BastionSessionDetail>();
  const t = useTranslate();
  if (!s) return null;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, md: 5 }}>
        <SectionCard title={`resources.${R}.sections.session`} action={<KillButton session={s} />}>
          <FieldGrid>
            <Item source="live">
              <StateChip live={s.live} />
            </Item>
            <Item source="kind">
              <KindText kind={s.kind} />
            </Item>
            <Item source="operatorLogin">{s.operatorLogin}</Item>
            <Item source="sourceIp">{s.sourceIp ?? '—'}</Item>
            <Item source="assetName">{s.assetName}</Item>
            <Item source="accountUsername">
              <Mono>{s.accountUsername}</Mono>
            </Item>
            <Item source="startedAt">
              <DateTimeField source="startedAt" />
            </Item>
            <Item source="endedAt">
              <DateTimeField source="endedAt" />
            </Item>
            <Item source="endReason">{s.endReason ?? '—'}</Item>
            <Item source="exitCode">{s.exitCode ?? '—'}</Item>
            <Item source="command">{s.command ? <Mono>{s.command}</Mono> : '—'}</Item>
            <Item source="recordingBytes">{formatBytes(s.recordingBytes)}</Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, md: 7 }}>
        <SectionCard title={`resources.${R}.sections.commands`} testId="session-commands">
          {(s.commands ?? []).length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              {t(`resources.${R}.commands.none`)}
            </Typography>
          ) : (
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>{t(`resources.${R}.commands.at`)}</TableCell>
                  <TableCell>{t(`resources.${R}.commands.command`)}</TableCell>
                  <TableCell>{t(`resources.${R}.commands.verdict`)}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {(s.commands ?? []).map((c) => (
                  <TableRow key={c.id}>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      <DateTimeText value={c.at} />
                    </TableCell>
                    <TableCell>
                      <Mono>{c.command}</Mono>
                    </TableCell>
                    <TableCell>
                      <Chip size="small" color={c.verdict === 'allowed' ? 'success' : c.verdict === 'denied' ? 'error' : 'warning'} label={t(`resources.${R}.choices.verdict.${c.verdict}`, { _: c.verdict })} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title={`resources.${R}.sections.transfers`} testId="session-transfers">
          {(s.transfers ?? []).length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              {t(`resources.${R}.transfers.none`)}
            </Typography>
          ) : (
            <Table size="small">
              <TableHead>
                <TableRow>
                  {(['at', 'direction', 'path', 'size', 'sm3', 'protocol'] as const).map((k) => (
                    <TableCell key={k}>{t(`resources.${R}.transfers.${k}`)}</TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {(s.transfers ?? []).map((x) => (
                  <TableRow key={x.id}>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      <DateTimeText value={x.at} />
                    </TableCell>
                    <TableCell>{t(`resources.${R}.choices.direction.${x.direction}`, { _: x.direction })}</TableCell>
                    <TableCell>
                      <Mono>{x.path}</Mono>
                    </TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }} title={`${x.size} B`}>
                      {formatBytes(x.size)}
                    </TableCell>
                    <TableCell>
                      <Mono>{x.sm3 ?? '—'}</Mono>
                    </TableCell>
                    <TableCell>{x.protocol}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title={`resources.${R}.sections.recording`}>
          <RecordingPlayer sessionId={s.id} hasRecording={s.recordingBytes > 0} />
        </SectionCard>
      </Grid>
    </Grid>
  );
};

export const SessionShow = () => (
  <Show actions={false}>
    <SessionDetail />
  </Show>
);

import { Box, Button, Stack, TextField as MuiTextField } from '@mui/material';
import { useState } from 'react';
import { ArrayField, ChipField, Show, SimpleShowLayout, SingleFieldList, TextField, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/http';
import { DateTimeField, JsonBlock } from '../../components/fields';
import { usePerms } from '../../components/usePerms';

type Alert = { id: string; status: 'new' | 'acknowledged' | 'closed'; eventIds: number[]; groupKey: Record<string, string>; firstSeen: string; lastSeen: string };

/** The workflow buttons: new → acknowledged → closed (closing needs a note); shown only with log_audit.alert_manage. */
const Workflow = () => {
  const r = useRecordContext<Alert>();
  const t = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const navigate = useNavigate();
  const { can } = usePerms();
  const [note, setNote] = useState('');
  if (!r) return null;
  const move = async (status: 'acknowledged' | 'closed') => {
    try {
      await api('POST', `/api/log-audit/alerts/${r.id}/transition`, { body: { status, note: note || undefined } });
      notify('resources.log-alerts.notifications.moved', { type: 'info' });
      refresh();
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    }
  };
  const drill = () => navigate('/log-search', { state: { query: { from: new Date(new Date(r.firstSeen).getTime() - 60_000).toISOString(), to: new Date(new Date(r.lastSeen).getTime() + 60_000).toISOString(), filters: Object.entries(r.groupKey).map(([field, value]) => ({ field, op: 'eq', value })) } } });
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" spacing={2} alignItems="center">
        <Button variant="outlined" onClick={drill}>{t('resources.log-alerts.actions.events')}</Button>
        {can('log-alerts', 'manage') && r.status !== 'closed' && (
          <>
            {r.status === 'new' && <Button variant="contained" onClick={() => void move('acknowledged')}>{t('resources.log-alerts.actions.acknowledge')}</Button>}
            <MuiTextField size="small" label={t('resources.log-alerts.fields.note')} value={note} onChange={(e) => setNote(e.target.value)} sx={{ minWidth: 320 }} />
            <Button variant="contained" color="secondary" disabled={!note.trim()} onClick={() => void move('closed')}>{t('resources.log-alerts.actions.close')}</Button>
          </>
        )}
      </Stack>
    </Box>
  );
};

/** 告警详情 */
export const AlertShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="ruleTitle" />
      <TextField source="ruleId" />
      <TextField source="severity" />
      <ChipField source="status" />
      <ArrayField source="tags"><SingleFieldList linkType={false}><ChipField source="" /></SingleFieldList></ArrayField>
      <GroupKey />
      <DateTimeField source="firstSeen" />
      <DateTimeField source="lastSeen" />
      <TextField source="eventCount" />
      <TextField source="note" emptyText="—" />
      <TextField source="statusBy" emptyText="—" />
      <DateTimeField source="statusAt" />
      <Workflow />
    </SimpleShowLayout>
  </Show>
);

const GroupKey = (_: { label?: string }) => {
  const r = useRecordContext<Alert>();
  return <JsonBlock value={r?.groupKey ?? {}} />;
};

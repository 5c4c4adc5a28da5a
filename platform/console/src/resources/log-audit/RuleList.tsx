import { useRecordContext } from 'react-admin';
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField as MuiTextField } from '@mui/material';
import { useState } from 'react';
import { BooleanField, DataTable, List, Show, SimpleShowLayout, TextField, TopToolbar, useNotify, useRefresh, useTranslate } from 'react-admin';
import { api } from '../../api/http';
import { Mono } from '../../components/fields';
import { usePerms } from '../../components/usePerms';

const ImportButton = () => {
  const t = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [yaml, setYaml] = useState('');
  const { can } = usePerms();
  if (!can('log-rules', 'import')) return null;
  const submit = async () => {
    try {
      await api('POST', '/api/log-audit/rules/import', { body: { yaml, enabled: true } });
      setOpen(false);
      refresh();
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    }
  };
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('resources.log-rules.import')}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} maxWidth="md" fullWidth>
        <DialogTitle>{t('resources.log-rules.import')}</DialogTitle>
        <DialogContent>
          <MuiTextField multiline minRows={16} fullWidth value={yaml} onChange={(e) => setYaml(e.target.value)} placeholder="title: …&#10;id: …&#10;logsource: …&#10;detection: …" />
        </DialogContent>
        <DialogActions><Button onClick={() => void submit()} variant="contained">{t('resources.log-rules.import')}</Button></DialogActions>
      </Dialog>
    </>
  );
};

/** 检测规则 (Sigma) */
export const RuleList = () => (
  <List perPage={50} exporter={false} actions={<TopToolbar><ImportButton /></TopToolbar>}>
    <DataTable rowClick="show" bulkActionButtons={false} data-testid="log-rules-table">
      <DataTable.Col source="title" disableSort />
      <DataTable.Col source="kind" disableSort />
      <DataTable.Col source="level" disableSort />
      <DataTable.Col source="enabled" disableSort><BooleanField source="enabled" /></DataTable.Col>
      <DataTable.Col source="builtin" disableSort><BooleanField source="builtin" /></DataTable.Col>
    </DataTable>
  </List>
);

export const RuleShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="title" />
      <TextField source="id" />
      <TextField source="kind" />
      <TextField source="level" />
      <YamlField source="yaml" />
    </SimpleShowLayout>
  </Show>
);

const YamlField = ({ source }: { source: string }) => <Mono>{(useRecordValue(source) as string) ?? ''}</Mono>;
function useRecordValue(source: string): unknown {
  return (useRecordContext() as Record<string, unknown> | undefined)?.[source];
}

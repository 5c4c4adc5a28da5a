import { useRecordContext } from 'react-admin';
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField as MuiTextField, Typography } from '@mui/material';
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
  const [files, setFiles] = useState(0);
  const { can } = usePerms();
  if (!can('log-rules', 'import')) return null;
  const submit = async () => {
    try {
      const r = await api<{ total: number }>('POST', '/api/log-audit/rules/import', { body: { yaml, enabled: true } });
      notify('resources.log-rule-import.imported', { type: 'info', messageArgs: { count: r.total } });
      setOpen(false);
      setYaml('');
      setFiles(0);
      refresh();
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    }
  };
  // Several files become one multi-document YAML: the API imports all of them or none.
  const load = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    const texts = await Promise.all([...list].map((f) => f.text()));
    setYaml(texts.map((x) => x.trim()).filter(Boolean).join('\n---\n'));
    setFiles(list.length);
  };
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="rule-import">{t('resources.log-rules.import')}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} maxWidth="md" fullWidth>
        <DialogTitle>{t('resources.log-rules.import')}</DialogTitle>
        <DialogContent>
          <Button component="label" variant="outlined" sx={{ mb: 2 }} data-testid="rule-files">
            {t('resources.log-rule-import.files')}
            <input hidden type="file" multiple accept=".yml,.yaml,text/yaml" onChange={(e) => void load(e.target.files)} />
          </Button>
          {files > 0 && <Typography variant="body2" sx={{ mb: 1 }}>{t('resources.log-rule-import.loaded', { count: files })}</Typography>}
          <MuiTextField multiline minRows={16} fullWidth value={yaml} onChange={(e) => setYaml(e.target.value)} placeholder="title: …&#10;id: …&#10;logsource: …&#10;detection: …" />
        </DialogContent>
        <DialogActions><Button onClick={() => void submit()} variant="contained" disabled={!yaml.trim()} data-testid="rule-import-submit">{t('resources.log-rules.import')}</Button></DialogActions>
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

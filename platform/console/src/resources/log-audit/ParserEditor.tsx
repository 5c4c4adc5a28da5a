import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import { Alert, Autocomplete, Box, Button, Card, CardContent, Chip, IconButton, MenuItem, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { BooleanField, DataTable, List, Title, TopToolbar, CreateButton, useGetOne, useNotify, useTranslate } from 'react-admin';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api/http';
import { ConfirmButton } from '../../components/ActionButton';
import { DateTimeField, JsonBlock, Mono } from '../../components/fields';
import { usePerms } from '../../components/usePerms';

export type ParserRecord = { id: string; name: string; kind: 'regex' | 'kv' | 'json'; pattern: string | null; program: string | null; mapping: Record<string, string>; active: boolean; updatedAt: string };
type TestItem = { line: string; parser: string; matched: boolean; fields: Record<string, unknown> };

/** Normalised names operators map to most; any ECS-style dotted name is accepted. */
const ECS_FIELDS = [
  '@timestamp', 'message', 'host.name', 'source.ip', 'source.port', 'destination.ip', 'destination.port', 'user.name', 'user.target.name',
  'event.action', 'event.outcome', 'event.category', 'event.reason', 'process.name', 'process.pid', 'url.original', 'url.path', 'http.request.method',
  'http.response.status_code', 'user_agent.original', 'file.path', 'db.name', 'db.statement', 'error.message',
];

/** 解析器列表 */
export const ParserList = () => {
  const t = useTranslate();
  const { can } = usePerms();
  return (
    <List perPage={50} exporter={false} actions={<TopToolbar>{can('log-parsers', 'create') && <CreateButton data-testid="parser-create" />}</TopToolbar>}>
      <Alert severity="info" sx={{ m: 1 }}>{t('resources.log-parsers.hint')}</Alert>
      <DataTable rowClick="edit" bulkActionButtons={false} data-testid="log-parsers-table">
        <DataTable.Col source="name" disableSort />
        <DataTable.Col source="kind" disableSort render={(r: ParserRecord) => t(`resources.log-parsers.kinds.${r.kind}`)} />
        <DataTable.Col source="program" disableSort />
        <DataTable.Col source="active" disableSort><BooleanField source="active" /></DataTable.Col>
        <DataTable.Col source="updatedAt" disableSort><DateTimeField source="updatedAt" /></DataTable.Col>
      </DataTable>
    </List>
  );
};

export const ParserCreate = () => <ParserEditor initial={null} />;

export const ParserEdit = () => {
  const { id } = useParams();
  const { data, isPending, error } = useGetOne<ParserRecord>('log-parsers', { id: id ?? '' }, { enabled: !!id });
  if (isPending) return null;
  if (error || !data) return <Alert severity="error">{(error as Error | null)?.message ?? 'not found'}</Alert>;
  return <ParserEditor key={data.id} initial={data} />;
};

/** The parse editor: a draft, sample lines tried against it, save, and activation for the ingest. */
export const ParserEditor = ({ initial }: { initial: ParserRecord | null }) => {
  const t = useTranslate();
  const notify = useNotify();
  const navigate = useNavigate();
  const { can } = usePerms();
  const [saved, setSaved] = useState<ParserRecord | null>(initial);
  const [name, setName] = useState(initial?.name ?? '');
  const [kind, setKind] = useState<ParserRecord['kind']>(initial?.kind ?? 'regex');
  const [pattern, setPattern] = useState(initial?.pattern ?? '');
  const [program, setProgram] = useState(initial?.program ?? '');
  const [mapping, setMapping] = useState<Array<{ from: string; to: string }>>(Object.entries(initial?.mapping ?? {}).map(([from, to]) => ({ from, to })));
  const [samples, setSamples] = useState('');
  const [results, setResults] = useState<TestItem[] | null>(null);
  const editable = can('log-parsers', saved ? 'edit' : 'create');

  const draft = () => ({
    name: name.trim(),
    kind,
    pattern: kind === 'regex' ? pattern : undefined,
    program: program.trim() || undefined,
    mapping: Object.fromEntries(mapping.filter((m) => m.from.trim() && m.to.trim()).map((m) => [m.from.trim(), m.to.trim()])),
  });
  const fail = (e: unknown) => notify((e as Error).message, { type: 'error' });

  const runTest = async () => {
    const lines = samples.split('\n').filter((l) => l.trim());
    if (lines.length === 0) return;
    try {
      const d = draft();
      const r = await api<{ items: TestItem[] }>('POST', '/api/log-audit/parsers/test', { body: { parser: { ...d, name: d.name || undefined }, lines } });
      setResults(r.items);
    } catch (e) {
      fail(e);
    }
  };
  const save = async () => {
    try {
      const r = saved ? await api<ParserRecord>('PUT', `/api/log-audit/parsers/${saved.id}`, { body: draft() }) : await api<ParserRecord>('POST', '/api/log-audit/parsers', { body: draft() });
      setSaved(r);
      notify('resources.log-parsers.notifications.saved', { type: 'info' });
      if (!saved) navigate(`/log-parsers/${r.id}`, { replace: true });
    } catch (e) {
      fail(e);
    }
  };
  const setActive = async (active: boolean) => {
    if (!saved) return;
    try {
      setSaved(await api<ParserRecord>('POST', `/api/log-audit/parsers/${saved.id}/activate`, { body: { active } }));
      notify(`resources.log-parsers.notifications.${active ? 'activated' : 'deactivated'}`, { type: 'info' });
    } catch (e) {
      fail(e);
    }
  };
  const remove = async () => {
    if (!saved) return;
    try {
      await api('DELETE', `/api/log-audit/parsers/${saved.id}`);
      notify('resources.log-parsers.notifications.deleted', { type: 'info' });
      navigate('/log-parsers');
    } catch (e) {
      fail(e);
    }
  };
  const ok = results?.filter((r) => r.matched).length ?? 0;

  return (
    <Box sx={{ mt: 2 }} data-testid="parser-editor">
      <Title title={saved ? `${t('resources.log-parsers.name', { smart_count: 1 })} ${saved.name}` : t('resources.log-parsers.name', { smart_count: 1 })} />
      <Card>
        <CardContent>
          <Stack direction="row" spacing={2} alignItems="center" sx={{ mb: 2 }}>
            <TextField size="small" label={t('resources.log-parsers.fields.name')} value={name} onChange={(e) => setName(e.target.value)} inputProps={{ 'data-testid': 'parser-name' }} disabled={!editable} />
            <TextField size="small" select label={t('resources.log-parsers.fields.kind')} value={kind} onChange={(e) => setKind(e.target.value as ParserRecord['kind'])} sx={{ minWidth: 240 }} disabled={!editable} SelectProps={{ SelectDisplayProps: { 'data-testid': 'parser-kind' } as object }}>
              {(['regex', 'kv', 'json'] as const).map((k) => <MenuItem key={k} value={k}>{t(`resources.log-parsers.kinds.${k}`)}</MenuItem>)}
            </TextField>
            <TextField size="small" label={t('resources.log-parsers.fields.program')} helperText={t('resources.log-parsers.program_help')} value={program} onChange={(e) => setProgram(e.target.value)} disabled={!editable} />
            {saved && <Chip color={saved.active ? 'success' : 'default'} label={t(saved.active ? 'resources.log-parsers.fields.active' : 'resources.log-parsers.deactivate')} data-testid="parser-state" data-active={String(saved.active)} />}
          </Stack>
          {kind === 'regex' && (
            <TextField fullWidth size="small" label={t('resources.log-parsers.fields.pattern')} helperText={t('resources.log-parsers.pattern_help')} value={pattern} onChange={(e) => setPattern(e.target.value)} inputProps={{ 'data-testid': 'parser-pattern', style: { fontFamily: 'monospace' } }} disabled={!editable} sx={{ mb: 2 }} />
          )}
          <Typography variant="subtitle2">{t('resources.log-parsers.fields.mapping')}</Typography>
          {mapping.map((m, i) => (
            <Stack key={i} direction="row" spacing={1} alignItems="center" sx={{ my: 1 }}>
              <TextField size="small" label={t('resources.log-parsers.mapping.from')} value={m.from} onChange={(e) => setMapping(mapping.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)))} inputProps={{ 'data-testid': `mapping-from-${i}` }} disabled={!editable} />
              <Typography>→</Typography>
              <Autocomplete
                freeSolo
                options={ECS_FIELDS}
                value={m.to}
                onInputChange={(_, v) => setMapping(mapping.map((x, j) => (j === i ? { ...x, to: v } : x)))}
                sx={{ width: 280 }}
                disabled={!editable}
                renderInput={(p) => <TextField {...p} size="small" label={t('resources.log-parsers.mapping.to')} inputProps={{ ...p.inputProps, 'data-testid': `mapping-to-${i}` }} />}
              />
              <IconButton onClick={() => setMapping(mapping.filter((_, j) => j !== i))} disabled={!editable}><DeleteIcon /></IconButton>
            </Stack>
          ))}
          <Button startIcon={<AddIcon />} onClick={() => setMapping([...mapping, { from: '', to: '' }])} disabled={!editable} data-testid="mapping-add">{t('resources.log-parsers.mapping.add')}</Button>
          <TextField fullWidth multiline minRows={4} label={t('resources.log-parsers.samples')} value={samples} onChange={(e) => setSamples(e.target.value)} inputProps={{ 'data-testid': 'parser-samples', style: { fontFamily: 'monospace' } }} sx={{ mt: 2 }} />
          <Stack direction="row" spacing={2} sx={{ mt: 2 }} alignItems="center">
            <Button variant="outlined" startIcon={<PlayArrowIcon />} onClick={() => void runTest()} data-testid="parser-test">{t('resources.log-parsers.test')}</Button>
            {editable && <Button variant="contained" onClick={() => void save()} data-testid="parser-save">{t('resources.log-parsers.save')}</Button>}
            {saved && can('log-parsers', 'activate') && (
              <Button variant="contained" color={saved.active ? 'warning' : 'success'} onClick={() => void setActive(!saved.active)} data-testid="parser-activate">
                {t(saved.active ? 'resources.log-parsers.deactivate' : 'resources.log-parsers.activate')}
              </Button>
            )}
            {saved && can('log-parsers', 'delete') && (
              <ConfirmButton label="ra.action.delete" icon={<DeleteIcon />} color="error" title={t('resources.log-parsers.delete_title')} content={t('resources.log-parsers.delete_confirm')} onConfirm={remove} testId="parser-delete" />
            )}
          </Stack>
        </CardContent>
      </Card>
      {results && (
        <Card sx={{ mt: 2 }}>
          <CardContent>
            <Typography variant="subtitle1" data-testid="parser-summary">{t('resources.log-parsers.results')}: {t('resources.log-parsers.summary', { ok, all: results.length })}</Typography>
            <Table size="small" data-testid="parser-results">
              <TableHead>
                <TableRow><TableCell /><TableCell>{t('resources.log-search.raw')}</TableCell><TableCell>{t('resources.log-parsers.fields.mapping')}</TableCell></TableRow>
              </TableHead>
              <TableBody>
                {results.map((r, i) => (
                  <TableRow key={i} data-matched={String(r.matched)}>
                    <TableCell><Chip size="small" color={r.matched ? 'success' : 'error'} label={t(r.matched ? 'resources.log-parsers.matched' : 'resources.log-parsers.failed')} /></TableCell>
                    <TableCell sx={{ maxWidth: 420, wordBreak: 'break-all' }}><Mono>{r.line}</Mono></TableCell>
                    <TableCell><JsonBlock value={r.fields} /></TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      )}
    </Box>
  );
};

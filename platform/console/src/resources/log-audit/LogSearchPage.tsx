import { Box, Button, Card, CardContent, Checkbox, Chip, Dialog, DialogContent, DialogTitle, FormControlLabel, IconButton, MenuItem, Stack, Table, TableBody, TableCell, TableHead, TableRow, TablePagination, TextField, Typography } from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { useEffect, useState } from 'react';
import { Title, useNotify, useTranslate } from 'react-admin';
import { useLocation } from 'react-router-dom';
import { api } from '../../api/http';
import { DateTimeText, JsonBlock, Mono } from '../../components/fields';

/** One filter of the filter bar: each can be negated (取反) or disabled (禁用) without removing it. */
export type LogFilter = { field: string; op: string; value?: string | number; negate?: boolean; disabled?: boolean };
export type LogQuery = { from?: string; to?: string; text?: string; filters?: LogFilter[]; where?: unknown; ruleId?: string };
type LogEvent = { id: number; '@timestamp': string; parser: string; raw: string; fields: Record<string, unknown> };

const OPS = ['eq', 'contains', 'prefix', 'exists', 'gt', 'gte', 'lt', 'lte', 'cidr', 're'];
const COLUMNS = ['host.name', 'source.ip', 'user.name', 'event.action', 'event.outcome'];

/** 日志检索: filter bar, advanced condition (JSON), full text, time range, paging; event detail with "filter by this value". */
export const LogSearchPage = () => {
  const t = useTranslate();
  const notify = useNotify();
  const location = useLocation();
  const initial = (location.state as { query?: LogQuery } | null)?.query ?? {};
  const [from, setFrom] = useState(initial.from ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 16));
  const [to, setTo] = useState(initial.to ?? '');
  const [text, setText] = useState(initial.text ?? '');
  const [filters, setFilters] = useState<LogFilter[]>(initial.filters ?? []);
  const [advanced, setAdvanced] = useState(initial.where ? JSON.stringify(initial.where) : '');
  const [page, setPage] = useState(0);
  const [rows, setRows] = useState<LogEvent[]>([]);
  const [total, setTotal] = useState(0);
  const [detail, setDetail] = useState<LogEvent | null>(null);
  const [history, setHistory] = useState<Array<{ id: number; query: LogQuery; total: number }>>([]);

  const run = async (p = page, fs = filters) => {
    let where: unknown;
    if (advanced.trim()) {
      try {
        where = JSON.parse(advanced);
      } catch {
        notify('resources.log-search.bad_advanced', { type: 'error' });
        return;
      }
    }
    try {
      const body = { from: from ? new Date(from).toISOString() : undefined, to: to ? new Date(to).toISOString() : undefined, text: text || undefined, filters: fs, where, offset: p * 50, limit: 50 };
      const r = await api<{ items: LogEvent[]; total: number }>('POST', '/api/log-audit/search', { body });
      setRows(r.items);
      setTotal(r.total);
      const h = await api<{ items: Array<{ id: number; query: LogQuery; total: number }> }>('GET', '/api/log-audit/history');
      setHistory(h.items.slice(0, 10));
    } catch (e) {
      notify((e as Error).message, { type: 'error' });
    }
  };
  useEffect(() => {
    void run(0);
    // run once with what the dashboard's drill-down passed
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const addFilter = (f: LogFilter) => {
    const next = [...filters, f];
    setFilters(next);
    setDetail(null);
    setPage(0);
    void run(0, next);
  };
  const patch = (i: number, p: Partial<LogFilter>) => setFilters(filters.map((f, j) => (j === i ? { ...f, ...p } : f)));

  return (
    <Box sx={{ mt: 2 }}>
      <Title title={t('resources.log-search.name')} />
      <Card>
        <CardContent>
          <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
            <TextField size="small" type="datetime-local" label={t('resources.log-search.from')} value={from} onChange={(e) => setFrom(e.target.value)} InputLabelProps={{ shrink: true }} />
            <TextField size="small" type="datetime-local" label={t('resources.log-search.to')} value={to} onChange={(e) => setTo(e.target.value)} InputLabelProps={{ shrink: true }} />
            <TextField size="small" sx={{ flex: 1 }} label={t('resources.log-search.text')} value={text} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void run(0)} />
            <Button variant="contained" onClick={() => { setPage(0); void run(0); }}>{t('resources.log-search.search')}</Button>
          </Stack>
          {filters.map((f, i) => (
            <Stack key={i} direction="row" spacing={1} alignItems="center" sx={{ mb: 1, opacity: f.disabled ? 0.5 : 1 }}>
              <TextField size="small" label={t('resources.log-search.field')} value={f.field} onChange={(e) => patch(i, { field: e.target.value })} />
              <TextField size="small" select label={t('resources.log-search.op')} value={f.op} onChange={(e) => patch(i, { op: e.target.value })} sx={{ width: 130 }}>
                {OPS.map((o) => <MenuItem key={o} value={o}>{t(`resources.log-search.ops.${o}`)}</MenuItem>)}
              </TextField>
              <TextField size="small" label={t('resources.log-search.value')} value={f.value ?? ''} onChange={(e) => patch(i, { value: e.target.value })} />
              <FormControlLabel control={<Checkbox checked={!!f.negate} onChange={(e) => patch(i, { negate: e.target.checked })} />} label={t('resources.log-search.negate')} />
              <FormControlLabel control={<Checkbox checked={!!f.disabled} onChange={(e) => patch(i, { disabled: e.target.checked })} />} label={t('resources.log-search.disable')} />
              <IconButton onClick={() => setFilters(filters.filter((_, j) => j !== i))}><DeleteIcon /></IconButton>
            </Stack>
          ))}
          <Stack direction="row" spacing={2} alignItems="center">
            <Button onClick={() => setFilters([...filters, { field: 'source.ip', op: 'eq', value: '' }])}>{t('resources.log-search.add_filter')}</Button>
            <TextField size="small" sx={{ flex: 1 }} label={t('resources.log-search.advanced')} placeholder='{"and":[{"field":"event.outcome","value":"failure"},{"not":{"field":"source.ip","op":"cidr","value":"10.0.0.0/8"}}]}' value={advanced} onChange={(e) => setAdvanced(e.target.value)} />
          </Stack>
          {history.length > 0 && (
            <Stack direction="row" spacing={1} sx={{ mt: 2, flexWrap: 'wrap' }}>
              <Typography variant="caption">{t('resources.log-search.history')}</Typography>
              {history.map((h) => (
                <Chip key={h.id} size="small" label={`${h.query.text ?? ''} ${(h.query.filters ?? []).map((f) => `${f.negate ? '!' : ''}${f.field}=${f.value ?? ''}`).join(' ')} (${h.total})`} onClick={() => { setText(h.query.text ?? ''); setFilters(h.query.filters ?? []); }} />
              ))}
            </Stack>
          )}
        </CardContent>
      </Card>
      <Card sx={{ mt: 2 }}>
        <Table size="small" data-testid="log-search-results">
          <TableHead>
            <TableRow>
              <TableCell>{t('resources.log-search.timestamp')}</TableCell>
              {COLUMNS.map((c) => <TableCell key={c}>{c}</TableCell>)}
              <TableCell>{t('resources.log-search.message')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.id} hover onClick={() => setDetail(r)} sx={{ cursor: 'pointer' }}>
                <TableCell><DateTimeText value={r['@timestamp']} /></TableCell>
                {COLUMNS.map((c) => <TableCell key={c}>{String(r.fields[c] ?? '')}</TableCell>)}
                <TableCell sx={{ maxWidth: 520, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{String(r.fields.message ?? r.raw)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <TablePagination component="div" count={total} page={page} rowsPerPage={50} rowsPerPageOptions={[50]} onPageChange={(_, p) => { setPage(p); void run(p); }} />
      </Card>
      <Dialog open={!!detail} onClose={() => setDetail(null)} maxWidth="md" fullWidth>
        <DialogTitle>{t('resources.log-search.detail')} #{detail?.id}</DialogTitle>
        <DialogContent>
          <Typography variant="subtitle2">{t('resources.log-search.raw')}</Typography>
          <Mono>{detail?.raw}</Mono>
          <Table size="small" sx={{ mt: 2 }}>
            <TableBody>
              {Object.entries(detail?.fields ?? {}).map(([k, v]) => (
                <TableRow key={k}>
                  <TableCell><Mono>{k}</Mono></TableCell>
                  <TableCell>{typeof v === 'object' ? <JsonBlock value={v} /> : String(v)}</TableCell>
                  <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                    <Button size="small" onClick={() => addFilter({ field: k, op: 'eq', value: typeof v === 'number' ? v : String(v) })}>{t('resources.log-search.filter_value')}</Button>
                    <Button size="small" onClick={() => addFilter({ field: k, op: 'eq', value: typeof v === 'number' ? v : String(v), negate: true })}>{t('resources.log-search.exclude_value')}</Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </DialogContent>
      </Dialog>
    </Box>
  );
};

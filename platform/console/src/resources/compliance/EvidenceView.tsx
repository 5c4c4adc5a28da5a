import AttachFileIcon from '@mui/icons-material/AttachFile';
import { Box, Button, Chip, Link as MuiLink, Stack, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { useTranslate } from 'react-admin';
import { JsonBlock } from '../../components/fields';
import { fileUrl } from './complianceApi';
import { formatBytes } from './ComplianceFields';
import type { AssessedObject, FileRef } from './types';

/**
 * Structured evidence shown the way an assessor reads it: objects as label/value lists, lists of records as
 * tables, flags as 是/否; the raw JSON is one click away. Keys are the checks' own identifiers (data, not text).
 */

const ROW_LIMIT = 30;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is null | string | number | boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

const Scalar = ({ value }: { value: Json | undefined }) => {
  const translate = useTranslate();
  if (value === null || value === undefined || value === '') return <span>{translate('yiyun.common.none')}</span>;
  if (typeof value === 'boolean') return <Chip size="small" variant="outlined" color={value ? 'success' : 'default'} label={translate(value ? 'yiyun.common.yes' : 'yiyun.common.no')} sx={{ height: 20 }} />;
  return <span style={{ wordBreak: 'break-word' }}>{String(value)}</span>;
};

/** An array of records with scalar-ish fields becomes a table (columns: the union of their keys). */
const RecordTable = ({ rows }: { rows: Array<Record<string, Json>> }) => {
  const translate = useTranslate();
  const [all, setAll] = useState(false);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const shown = all ? rows : rows.slice(0, ROW_LIMIT);
  return (
    <Box sx={{ overflowX: 'auto', border: '1px solid', borderColor: 'grey.200', borderRadius: 1 }}>
      <Table size="small">
        <TableHead>
          <TableRow>
            {columns.map((c) => (
              <TableCell key={c} sx={{ fontFamily: 'monospace', fontSize: 12, whiteSpace: 'nowrap', bgcolor: 'grey.50' }}>
                {c}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map((r, i) => (
            <TableRow key={i}>
              {columns.map((c) => (
                <TableCell key={c} sx={{ fontSize: 12.5, verticalAlign: 'top' }}>
                  <EvidenceValue value={r[c]} depth={3} />
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {rows.length > ROW_LIMIT && (
        <Button size="small" onClick={() => setAll(!all)} sx={{ m: 0.5 }}>
          {translate(all ? 'resources.compliance.evidence.show_less' : 'resources.compliance.evidence.show_all', { count: rows.length })}
        </Button>
      )}
    </Box>
  );
};

/** One value of any shape; `depth` bounds the nesting drawn before falling back to compact JSON. */
export const EvidenceValue = ({ value, depth = 0 }: { value: Json | undefined; depth?: number }): ReactNode => {
  if (value === undefined || isScalar(value)) return <Scalar value={value ?? null} />;
  if (depth > 4) return <Box component="code" sx={{ fontSize: 12 }}>{JSON.stringify(value)}</Box>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <Scalar value={null} />;
    if (value.every(isScalar)) {
      return (
        <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
          {value.map((v, i) => (
            <Chip key={i} size="small" variant="outlined" label={String(v)} sx={{ height: 20, fontSize: 12 }} />
          ))}
        </Stack>
      );
    }
    if (value.every(isPlainObject)) return <RecordTable rows={value} />;
    return (
      <Stack spacing={0.5}>
        {value.map((v, i) => (
          <EvidenceValue key={i} value={v} depth={depth + 1} />
        ))}
      </Stack>
    );
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return <Scalar value={null} />;
  return (
    <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'minmax(120px, max-content) minmax(0, 1fr)', columnGap: 2, rowGap: 0.75 }}>
      {entries.map(([k, v]) => (
        <Box key={k} sx={{ display: 'contents' }}>
          <Box component="dt" sx={{ fontFamily: 'monospace', fontSize: 12.5, color: 'text.secondary', pt: 0.25 }}>
            {k}
          </Box>
          <Box component="dd" sx={{ m: 0, minWidth: 0, fontSize: 13 }}>
            <EvidenceValue value={v} depth={depth + 1} />
          </Box>
        </Box>
      ))}
    </Box>
  );
};

/** A check's structured evidence, readable, with the raw JSON behind a toggle. */
export const EvidenceData = ({ evidence }: { evidence: Record<string, unknown> }) => {
  const translate = useTranslate();
  const [raw, setRaw] = useState(false);
  return (
    <Box data-testid="evidence-data">
      <Box sx={{ display: 'flex', justifyContent: 'flex-end', mb: 0.5 }}>
        <Button size="small" onClick={() => setRaw(!raw)}>
          {translate(raw ? 'resources.compliance.evidence.readable' : 'resources.compliance.evidence.raw')}
        </Button>
      </Box>
      {raw ? <JsonBlock value={evidence} /> : <EvidenceValue value={evidence as Json} />}
    </Box>
  );
};

/** Evidence files with their size and digests; each downloads through GET /api/compliance/files/:id. */
export const EvidenceFiles = ({ files }: { files: FileRef[] }) => {
  const translate = useTranslate();
  if (files.length === 0) return <Typography variant="body2" color="text.secondary">{translate('resources.compliance.evidence.no_files')}</Typography>;
  return (
    <Stack spacing={0.75} data-testid="evidence-files">
      {files.map((f) => (
        <Box key={f.id} sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <AttachFileIcon fontSize="small" color="action" />
          <MuiLink href={fileUrl(f.id)} download={f.name} data-testid="evidence-file" underline="hover">
            {f.name}
          </MuiLink>
          <Typography variant="caption" color="text.secondary">
            {formatBytes(f.size)} · {f.contentType}
          </Typography>
          <Tooltip title={`SM3 ${f.sm3}\nSHA-256 ${f.sha256}`}>
            <Typography variant="caption" sx={{ fontFamily: 'monospace', color: 'text.secondary' }}>
              SM3 {f.sm3.slice(0, 16)}…
            </Typography>
          </Tooltip>
        </Box>
      ))}
    </Stack>
  );
};

/** 密评 assessed objects with their D / A / K and the object's score D·A·K. */
export const ObjectsTable = ({ objects }: { objects: AssessedObject[] }) => {
  const translate = useTranslate();
  return (
    <Table size="small" data-testid="assessed-objects">
      <TableHead>
        <TableRow>
          <TableCell>{translate('resources.compliance.verdict_form.object_name')}</TableCell>
          <TableCell align="right">D</TableCell>
          <TableCell align="right">A</TableCell>
          <TableCell align="right">K</TableCell>
          <TableCell align="right">D·A·K</TableCell>
          <TableCell>{translate('resources.compliance.verdict_form.object_note')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {objects.map((o, i) => (
          <TableRow key={i}>
            <TableCell>{o.name}</TableCell>
            <TableCell align="right">{o.d}</TableCell>
            <TableCell align="right">{o.a}</TableCell>
            <TableCell align="right">{o.k}</TableCell>
            <TableCell align="right">{(o.d * o.a * o.k).toFixed(2)}</TableCell>
            <TableCell>{o.note ?? ''}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

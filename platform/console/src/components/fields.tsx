import { Box, Chip, Stack, Tooltip } from '@mui/material';
import { useLocaleState, useRecordContext, useTranslate } from 'react-admin';

/** A date and time in the console's language (24 h clock); "—" when absent. */
export const formatDateTime = (value: string | null | undefined, locale: string): string | null => {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
};

export const DateTimeText = ({ value, empty }: { value: string | null | undefined; empty?: string }) => {
  const [locale] = useLocaleState();
  const translate = useTranslate();
  return <span>{formatDateTime(value, locale) ?? translate(empty ?? 'yiyun.common.none')}</span>;
};

/** react-admin field: a timestamp of the record. */
export const DateTimeField = ({ source, empty }: { source: string; label?: string; empty?: string; sortable?: boolean }) => {
  const record = useRecordContext();
  return <DateTimeText value={record?.[source] as string | null | undefined} empty={empty} />;
};

/** Role ids as chips with their names in the console's language (系统管理员 …). */
export const RoleChips = ({ roles }: { roles: readonly string[] | undefined }) => {
  const translate = useTranslate();
  return (
    <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
      {(roles ?? []).map((r) => (
        <Tooltip key={r} title={r}>
          <Chip size="small" color="primary" variant="outlined" label={translate(`yiyun.roles.${r}`, { _: r })} />
        </Tooltip>
      ))}
    </Stack>
  );
};

export const RolesField = ({ source = 'roles' }: { source?: string; label?: string; sortable?: boolean }) => {
  const record = useRecordContext();
  return <RoleChips roles={record?.[source] as string[] | undefined} />;
};

/** A permission as its name, the code on hover. */
export const PermissionChip = ({ permission }: { permission: string }) => {
  const translate = useTranslate();
  return (
    <Tooltip title={permission}>
      <Chip size="small" variant="outlined" label={translate(`yiyun.permissions.${permission}`, { _: permission })} />
    </Tooltip>
  );
};

type Tone = 'success' | 'warning' | 'error' | 'default' | 'info';

/** A status word from `resources.<r>.choices.<group>.<value>`, coloured. */
export const StatusChip = ({ resource, group, value, tones }: { resource: string; group: string; value: string | undefined; tones: Record<string, Tone> }) => {
  const translate = useTranslate();
  if (!value) return null;
  return <Chip size="small" color={tones[value] ?? 'default'} label={translate(`resources.${resource}.choices.${group}.${value}`, { _: value })} />;
};

/** Monospace text (ids, hashes, codes), wrapped. */
export const Mono = ({ children }: { children: React.ReactNode }) => (
  <Box component="code" sx={{ fontFamily: 'monospace', fontSize: 13, wordBreak: 'break-all' }}>
    {children}
  </Box>
);

/** Pretty JSON of a summary; "—" when there is none. */
export const JsonBlock = ({ value }: { value: unknown }) => {
  const translate = useTranslate();
  if (value === null || value === undefined || (typeof value === 'object' && Object.keys(value as object).length === 0)) {
    return <span>{translate('yiyun.common.none')}</span>;
  }
  return (
    <Box component="pre" sx={{ m: 0, p: 1.5, bgcolor: 'grey.50', border: '1px solid', borderColor: 'grey.200', borderRadius: 1, fontSize: 12.5, overflowX: 'auto', maxHeight: 360 }}>
      {JSON.stringify(value, null, 2)}
    </Box>
  );
};

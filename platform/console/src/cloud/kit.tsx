import DownloadIcon from '@mui/icons-material/Download';
import { Box, Button, Chip, Menu, MenuItem, Stack, Tooltip } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactElement, type ReactNode } from 'react';
import {
  Confirm,
  CreateButton,
  FilterButton,
  ReferenceField,
  SearchInput,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
  useDataProvider,
  useListContext,
  useNotify,
  useRecordContext,
  useRefresh,
  useResourceContext,
  useTranslate,
  useUnselectAll,
} from 'react-admin';
import { usePerms } from '../components/usePerms';
import type { YiyunDataProvider } from '../providers/dataProvider';
import type { CloudResource, Region } from './types';

export { formatTags, parseList, parseTags } from './cloud-fns';

/** The dataProvider with the cloud actions (typed). */
export const useCloud = () => useDataProvider<YiyunDataProvider>();

/** The tenant's zone: flavors, public images, volume types, AZs, capacity (cached for a minute). */
export function useRegion() {
  const dp = useCloud();
  return useQuery({ queryKey: ['cloud', 'region'], queryFn: () => dp.cloudGet<Region>('region'), staleTime: 60_000 });
}

type Tone = 'success' | 'warning' | 'error' | 'default' | 'info';
const TONES: Record<string, Tone> = {
  ACTIVE: 'success', active: 'success', available: 'success', completed: 'success', enabled: 'success', bound: 'info', 'in-use': 'info',
  BUILD: 'warning', REBOOT: 'warning', RESIZE: 'warning', importing: 'warning', creating: 'warning', processing: 'warning', submitted: 'warning', running: 'warning', recycled: 'warning',
  SHUTOFF: 'default', disabled: 'default', DELETED: 'default', ERROR: 'error', failed: 'error',
};

/** A status word of any cloud object, translated (`cloud.status.<value>`) and coloured. */
export const StatusText = ({ value }: { value: string | undefined | null }) => {
  const translate = useTranslate();
  if (!value) return null;
  return <Chip size="small" color={TONES[value] ?? 'default'} label={translate(`cloud.status.${value}`, { _: value })} data-testid={`status-${value}`} />;
};
export const StatusField = ({ source = 'status' }: { source?: string; label?: string }) => {
  const r = useRecordContext();
  return <StatusText value={r?.[source] as string | undefined} />;
};

/** Tags as `key=value` chips. */
export const TagChips = ({ tags }: { tags: Record<string, string> | undefined }) => (
  <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
    {Object.entries(tags ?? {}).map(([k, v]) => (
      <Chip key={k} size="small" variant="outlined" label={v ? `${k}=${v}` : k} />
    ))}
  </Stack>
);
export const TagsField = (_: { label?: string; source?: string }) => <TagChips tags={useRecordContext<CloudResource>()?.tags} />;

/** The name search of a list, its placeholder in the console's language. */
export const NameSearch = ({ placeholder, ...props }: { source: string; alwaysOn?: boolean; placeholder: string }) => {
  const translate = useTranslate();
  return <SearchInput {...props} placeholder={translate(placeholder)} />;
};

/** Lists keep their column headings on one line (Chinese headings otherwise wrap character by character). */
export const listSx = { '& .MuiTableCell-head': { whiteSpace: 'nowrap' } } as const;

/** The standard filters of a cloud list: name search, tag and (optionally) status. */
export function cloudFilters(resource: string, statuses?: readonly string[], extra: ReactElement[] = []) {
  return [
    <NameSearch key="q" source="q" alwaysOn placeholder={`resources.${resource}.filters.q`} />,
    <TextInput key="tag" source="tag" label="cloud.common.tag_filter" helperText={false} />,
    ...(statuses ? [<SelectInput key="status" source="status" label="cloud.common.status" choices={statuses.map((id) => ({ id, name: `cloud.status.${id}` }))} />] : []),
    ...extra,
  ];
}

/** Export of the list as CSV / XLSX / JSON (the API's `<path>-export` route), with the list's current filters. */
export const ExportMenu = ({ path, formats = ['csv', 'xlsx', 'json'] }: { path: string; formats?: readonly string[] }) => {
  const translate = useTranslate();
  const { filterValues } = useListContext();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const q = new URLSearchParams();
  for (const k of ['q', 'tag', 'status']) if (filterValues?.[k]) q.set(k, String(filterValues[k]));
  return (
    <>
      <Button size="small" startIcon={<DownloadIcon />} onClick={(e) => setAnchor(e.currentTarget)} data-testid="export-menu">
        {translate('ra.action.export')}
      </Button>
      <Menu anchorEl={anchor} open={!!anchor} onClose={() => setAnchor(null)}>
        {formats.map((f) => (
          <MenuItem key={f} component="a" href={`/api/cloud/${path}-export?${new URLSearchParams({ ...Object.fromEntries(q), format: f })}`} download onClick={() => setAnchor(null)}>
            {translate(`cloud.common.export_${f}`)}
          </MenuItem>
        ))}
      </Menu>
    </>
  );
};

/** Filter, create and export buttons of a cloud list (create and export only where the API has them). */
export const CloudListActions = ({ create = true, exportPath, children }: { create?: boolean; exportPath?: string; children?: ReactNode }) => (
  <TopToolbar>
    {children}
    <FilterButton />
    {create && <CreateButton />}
    {exportPath && <ExportMenu path={exportPath} />}
  </TopToolbar>
);

/**
 * A button that runs one API action (after a confirmation when `confirm` is given), reports the outcome and
 * refreshes the page. Hidden without `cloud.operate` on the resource.
 */
export const RunButton = ({
  label,
  icon,
  run,
  confirm,
  color = 'primary',
  disabled,
  testId,
  done,
  action = 'operate',
  variant = 'text',
}: {
  label: string;
  icon?: ReactElement;
  run(): Promise<unknown>;
  confirm?: string;
  color?: 'primary' | 'error' | 'warning' | 'success';
  disabled?: boolean;
  testId?: string;
  done?: string;
  action?: string;
  variant?: 'text' | 'outlined' | 'contained';
}) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const resource = useResourceContext();
  const { can } = usePerms();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  if (resource && !can(resource, action)) return null;
  const go = async () => {
    setBusy(true);
    try {
      // An action answering `false` has reported its own outcome.
      if ((await run()) !== false) notify(done ?? 'cloud.common.done', { type: 'success' });
      refresh();
    } catch (err) {
      notify((err as Error).message || 'ra.notification.http_error', { type: 'error' });
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return (
    <>
      <Button size="small" variant={variant} color={color} startIcon={icon} disabled={disabled || busy} data-testid={testId} onClick={(e) => { e.stopPropagation(); confirm ? setOpen(true) : void go(); }}>
        {translate(label)}
      </Button>
      {confirm && <Confirm isOpen={open} loading={busy} title={translate(label)} content={confirm} onClose={() => setOpen(false)} onConfirm={go} />}
    </>
  );
};

/** A bulk action over the selected rows: runs `run(id)` for each, then reports how many succeeded. */
export const BulkRunButton = ({ label, icon, run, runAll, confirm, color = 'primary', testId }: { label: string; icon?: ReactElement; run?(id: string): Promise<unknown>; runAll?(ids: string[]): Promise<unknown>; confirm?: boolean; color?: 'primary' | 'error' | 'warning'; testId?: string }) => {
  const { selectedIds, resource } = useListContext();
  const unselectAll = useUnselectAll(resource);
  const translate = useTranslate();
  const notify = useNotify();
  return (
    <RunButton
      label={label}
      icon={icon}
      color={color}
      testId={testId}
      confirm={confirm ? translate('cloud.common.bulk_confirm', { smart_count: selectedIds.length }) : undefined}
      run={async () => {
        if (runAll) {
          await runAll(selectedIds.map(String));
          unselectAll();
          return true;
        }
        const results = await Promise.allSettled(selectedIds.map((id) => run!(String(id))));
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        unselectAll();
        if (failed.length) {
          notify(translate('cloud.common.bulk_partial', { ok: results.length - failed.length, failed: failed.length, reason: (failed[0]!.reason as Error).message }), { type: 'warning' });
          return false;
        }
        return true;
      }}
    />
  );
};

/** Stops a click inside a row's action cell from opening the row (dialogs are portals, their clicks bubble too). */
export const RowActions = ({ children }: { children: ReactNode }) => (
  <Box onClick={(e) => e.stopPropagation()} sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
    {children}
  </Box>
);

/** A reference to another cloud object by id, shown by name and linked to its page. */
export const RefName = ({ source, reference, link = 'show' }: { source: string; reference: string; link?: 'show' | false; label?: string; sortable?: boolean }) => {
  const translate = useTranslate();
  return (
    <ReferenceField source={source} reference={reference} link={link} emptyText={translate('yiyun.common.none')}>
      <TextField source="name" />
    </ReferenceField>
  );
};

/** A value from the record's `spec`, "—" when absent; arrays are joined. */
export const SpecText = ({ path, suffix = '' }: { path: string; suffix?: string; label?: string; source?: string }) => {
  const r = useRecordContext<CloudResource>();
  const translate = useTranslate();
  const v = path.split('.').reduce<any>((o, k) => (o == null ? o : o[k]), r?.spec);
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return <span>{translate('yiyun.common.none')}</span>;
  if (typeof v === 'boolean') return <span>{translate(v ? 'yiyun.common.yes' : 'yiyun.common.no')}</span>;
  return <span>{Array.isArray(v) ? v.join(', ') : `${String(v)}${suffix}`}</span>;
};

/** A hint line with a tooltip. */
export const Hint = ({ title, children }: { title: string; children: ReactElement }) => {
  const translate = useTranslate();
  return <Tooltip title={translate(title)}>{children}</Tooltip>;
};

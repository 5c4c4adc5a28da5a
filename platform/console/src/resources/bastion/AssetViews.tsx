import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import FolderIcon from '@mui/icons-material/Folder';
import FolderOpenIcon from '@mui/icons-material/FolderOpen';
import KeyIcon from '@mui/icons-material/Key';
import { Box, Button, Card, Chip, Grid, List as MuiList, ListItemButton, ListItemIcon, ListItemText, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  BooleanField,
  BooleanInput,
  CreateButton,
  Create,
  DataTable,
  DeleteButton,
  Edit,
  EditButton,
  ListContextProvider,
  NumberInput,
  Pagination,
  PasswordInput,
  SelectInput,
  Show,
  SimpleForm,
  TextInput,
  Title,
  TopToolbar,
  useGetList,
  useList,
  useNotify,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { api } from '../../api/http';
import { choicesOf } from '../../components/choices';
import { ConfirmButton } from '../../components/ActionButton';
import { DateTimeField, DateTimeText, Mono } from '../../components/fields';
import { FormDialog } from '../../components/FormDialog';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import type { BastionAccount, BastionAsset } from './types';

const R = 'bastion-assets';
const OS_TYPES = ['linux', 'unix', 'windows', 'network'] as const;
const ENCODINGS = ['utf-8', 'gb18030', 'gbk', 'gb2312', 'big5', 'euc-jp', 'euc-kr', 'iso-8859-2', 'koi8-r', 'shift_jis', 'windows-874'];

type FolderNode = { path: string; name: string; depth: number; count: number };

/** Every folder that holds an asset, with its ancestors, in tree order; count = assets at or below it. */
export function folderTree(assets: readonly { folder: string }[]): FolderNode[] {
  const counts = new Map<string, number>();
  for (const a of assets) {
    const parts = a.folder.split('/').filter(Boolean);
    for (let i = 0; i <= parts.length; i++) {
      const p = `/${parts.slice(0, i).map((x) => `${x}/`).join('')}`;
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, count]) => {
      const parts = path.split('/').filter(Boolean);
      return { path, name: parts.at(-1) ?? '/', depth: parts.length, count };
    });
}

const AssetTree = ({ nodes, selected, onSelect }: { nodes: FolderNode[]; selected: string; onSelect(p: string): void }) => {
  const t = useTranslate();
  return (
    <Card sx={{ p: 1 }} data-testid="asset-tree">
      <Typography variant="subtitle2" sx={{ px: 1, py: 0.5 }}>
        {t('resources.bastion-assets.tree.title')}
      </Typography>
      <MuiList dense disablePadding>
        {nodes.map((n) => (
          <ListItemButton key={n.path} selected={n.path === selected} onClick={() => onSelect(n.path)} sx={{ pl: 1 + n.depth * 2 }}>
            <ListItemIcon sx={{ minWidth: 30 }}>{n.path === selected ? <FolderOpenIcon fontSize="small" /> : <FolderIcon fontSize="small" />}</ListItemIcon>
            <ListItemText primary={n.depth === 0 ? t('resources.bastion-assets.tree.all') : n.name} secondary={n.path === '/' ? null : n.path} />
            <Typography variant="caption" color="text.secondary">
              {n.count}
            </Typography>
          </ListItemButton>
        ))}
      </MuiList>
    </Card>
  );
};

/** Assets beside their folder tree: choosing a folder shows the assets in it and below it (where folder grants reach). */
export const AssetList = () => {
  const t = useTranslate();
  const { can } = usePerms();
  const [folder, setFolder] = useState('/');
  // The route has no folder filter; an estate's assets fit one page of 500, filtered here.
  const { data, isPending } = useGetList<BastionAsset>(R, { pagination: { page: 1, perPage: 500 } });
  const nodes = useMemo(() => folderTree(data ?? []), [data]);
  const listContext = useList({ data: (data ?? []).filter((a) => a.folder.startsWith(folder)), isPending, perPage: 25, resource: R });
  return (
    <Box sx={{ mt: 1 }}>
      <Title title={t(`resources.${R}.name`, { smart_count: 2 })} />
      <TopToolbar>{can(R, 'create') && <CreateButton resource={R} />}</TopToolbar>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 3 }}>
          <AssetTree nodes={nodes.length ? nodes : [{ path: '/', name: '/', depth: 0, count: 0 }]} selected={folder} onSelect={setFolder} />
        </Grid>
        <Grid size={{ xs: 12, md: 9 }}>
          <Card>
            <ListContextProvider value={listContext}>
              <DataTable<BastionAsset> resource={R} rowClick="show" bulkActionButtons={false} data-testid="bastion-assets-table">
                <DataTable.Col
                  source="name"
                  disableSort
                  render={(r) => (
                    <>
                      {r.name}
                      {r.cloudVmId ? <Chip size="small" sx={{ ml: 1 }} color={r.retiredAt ? 'default' : 'info'} label={t(`resources.${R}.origin.${r.retiredAt ? 'retired' : 'cloud'}`)} /> : null}
                    </>
                  )}
                />
                <DataTable.Col source="address" disableSort render={(r) => `${r.address}:${r.port}`} />
                <DataTable.Col source="osType" disableSort render={(r) => <OsText value={r.osType} />} />
                <DataTable.Col source="folder" disableSort render={(r) => <Mono>{r.folder}</Mono>} />
                <DataTable.Col source="enabled" disableSort>
                  <BooleanField source="enabled" />
                </DataTable.Col>
              </DataTable>
              <Pagination />
            </ListContextProvider>
          </Card>
        </Grid>
      </Grid>
    </Box>
  );
};

const OsText = ({ value }: { value: string }) => {
  const t = useTranslate();
  return <>{t(`resources.${R}.choices.osType.${value}`, { _: value })}</>;
};

const AssetInputs = () => {
  const t = useTranslate();
  return (
    <>
      <TextInput source="name" required />
      <TextInput source="address" required />
      <NumberInput source="port" defaultValue={22} min={1} max={65535} />
      <SelectInput source="osType" defaultValue="linux" choices={choicesOf(R, 'osType', OS_TYPES)} />
      <TextInput source="folder" defaultValue="/" helperText={t(`resources.${R}.help.folder`)} />
      <SelectInput source="encoding" defaultValue="utf-8" choices={ENCODINGS.map((id) => ({ id, name: id }))} helperText={t(`resources.${R}.help.encoding`)} />
      <TextInput source="hostKeySha256" helperText={t(`resources.${R}.help.hostKey`)} fullWidth />
      <BooleanInput source="enabled" defaultValue={true} />
    </>
  );
};

export const AssetCreate = () => (
  <Create redirect="show">
    <SimpleForm>
      <AssetInputs />
    </SimpleForm>
  </Create>
);

export const AssetEdit = () => (
  <Edit redirect="show" mutationMode="pessimistic">
    <SimpleForm>
      <AssetInputs />
    </SimpleForm>
  </Edit>
);

type AccountForm = { username: string; authKind: 'password' | 'key'; secret: string; rotateEveryDays?: number | null };

/** The asset's accounts. Credentials are write-only: typed here, sealed by the API, never read back. */
const AccountsPanel = ({ asset }: { asset: BastionAsset }) => {
  const t = useTranslate();
  const notify = useNotify();
  const { can } = usePerms();
  const manage = can(R, 'account_manage');
  const [rows, setRows] = useState<BastionAccount[] | null>(null);
  const [dialog, setDialog] = useState<{ mode: 'add' | 'change'; account?: BastionAccount } | null>(null);
  const reload = useCallback(() => {
    api<{ items: BastionAccount[] }>('GET', `/api/bastion/assets/${asset.id}/accounts`).then(
      (r) => setRows(r.items),
      (e: Error) => notify(e.message, { type: 'error' }),
    );
  }, [asset.id, notify]);
  useEffect(reload, [reload]);

  const submit = async (v: AccountForm) => {
    const body = { username: v.username.trim(), authKind: v.authKind, secret: v.secret, ...(v.rotateEveryDays ? { rotateEveryDays: Number(v.rotateEveryDays) } : {}) };
    // No route replaces a credential in place: the account is re-created under the same user name (grants
    // refer to the user name, so they are unaffected); both steps are in the audit trail.
    if (dialog?.mode === 'change' && dialog.account) await api('DELETE', `/api/bastion/assets/${asset.id}/accounts/${dialog.account.id}`);
    await api('POST', `/api/bastion/assets/${asset.id}/accounts`, { body });
    notify(`resources.${R}.accounts.${dialog?.mode === 'change' ? 'changed' : 'added'}`, { type: 'success' });
    reload();
  };

  return (
    <SectionCard
      title={`resources.${R}.accounts.title`}
      testId="asset-accounts"
      action={
        manage && (
          <Button size="small" startIcon={<AddIcon />} onClick={() => setDialog({ mode: 'add' })} data-testid="account-add">
            {t(`resources.${R}.accounts.add`)}
          </Button>
        )
      }
    >
      {rows && rows.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t(`resources.${R}.accounts.none`)}
        </Typography>
      ) : (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>{t(`resources.${R}.accounts.username`)}</TableCell>
              <TableCell>{t(`resources.${R}.accounts.authKind`)}</TableCell>
              <TableCell>{t(`resources.${R}.accounts.rotateEveryDays`)}</TableCell>
              <TableCell>{t(`resources.${R}.accounts.lastRotatedAt`)}</TableCell>
              <TableCell>{t(`resources.${R}.accounts.createdAt`)}</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {(rows ?? []).map((a) => (
              <TableRow key={a.id}>
                <TableCell>
                  <Mono>{a.username}</Mono>
                </TableCell>
                <TableCell>{t(`resources.${R}.choices.authKind.${a.authKind}`, { _: a.authKind })}</TableCell>
                <TableCell>{a.rotateEveryDays ?? '—'}</TableCell>
                <TableCell>
                  <DateTimeText value={a.lastRotatedAt} />
                </TableCell>
                <TableCell>
                  <DateTimeText value={a.createdAt} />
                </TableCell>
                <TableCell align="right">
                  {manage && (
                    <>
                      <Button size="small" startIcon={<KeyIcon />} onClick={() => setDialog({ mode: 'change', account: a })}>
                        {t(`resources.${R}.accounts.change`)}
                      </Button>
                      <ConfirmButton
                        label="ra.action.delete"
                        color="error"
                        icon={<DeleteIcon />}
                        title={t(`resources.${R}.accounts.delete_title`, { name: a.username })}
                        content={t(`resources.${R}.accounts.delete_content`)}
                        onConfirm={async () => {
                          await api('DELETE', `/api/bastion/assets/${asset.id}/accounts/${a.id}`).then(
                            () => notify(`resources.${R}.accounts.deleted`, { type: 'success' }),
                            (e: Error) => notify(e.message, { type: 'error' }),
                          );
                          reload();
                        }}
                      />
                    </>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <FormDialog<AccountForm>
        open={dialog !== null}
        title={t(`resources.${R}.accounts.${dialog?.mode === 'change' ? 'change' : 'add'}`)}
        record={{ username: dialog?.account?.username ?? '', authKind: (dialog?.account?.authKind as 'password' | 'key') ?? 'password', secret: '', rotateEveryDays: dialog?.account?.rotateEveryDays ?? null }}
        onClose={() => setDialog(null)}
        onSubmit={submit}
        maxWidth="sm"
        testId="account-dialog"
      >
        {dialog?.mode === 'change' && (
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
            {t(`resources.${R}.accounts.change_content`)}
          </Typography>
        )}
        <TextInput source="username" label={`resources.${R}.accounts.username`} required disabled={dialog?.mode === 'change'} fullWidth />
        <SelectInput source="authKind" label={`resources.${R}.accounts.authKind`} choices={choicesOf(R, 'authKind', ['password', 'key'])} required fullWidth />
        {/* Write-only: the form starts empty and nothing fills it from the API. */}
        <PasswordInput source="secret" label={`resources.${R}.accounts.secret`} helperText={t(`resources.${R}.accounts.secret_help`)} required fullWidth autoComplete="new-password" multiline />
        <NumberInput source="rotateEveryDays" label={`resources.${R}.accounts.rotateEveryDays`} min={1} max={365} fullWidth />
      </FormDialog>
    </SectionCard>
  );
};

const AssetDetails = () => {
  const r = useRecordContext<BastionAsset>();
  if (!r) return null;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, md: 5 }}>
        <SectionCard title={`resources.${R}.name`}>
          <FieldGrid>
            <Item source="name">{r.name}</Item>
            <Item source="address">
              <Mono>{`${r.address}:${r.port}`}</Mono>
            </Item>
            <Item source="protocol">{r.protocol}</Item>
            <Item source="osType">
              <OsText value={r.osType} />
            </Item>
            <Item source="folder">
              <Mono>{r.folder}</Mono>
            </Item>
            <Item source="encoding">{r.encoding}</Item>
            <Item source="hostKeySha256">
              <Mono>{r.hostKeySha256 ?? '—'}</Mono>
            </Item>
            <Item source="enabled">
              <BooleanField source="enabled" />
            </Item>
            <Item source="createdAt">
              <DateTimeField source="createdAt" />
            </Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, md: 7 }}>
        <AccountsPanel asset={r} />
      </Grid>
    </Grid>
  );
};

const ShowActions = () => {
  const { can } = usePerms();
  return (
    <TopToolbar>
      {can(R, 'edit') && <EditButton />}
      {can(R, 'delete') && <DeleteButton mutationMode="pessimistic" />}
    </TopToolbar>
  );
};

export const AssetShow = () => (
  <Show actions={<ShowActions />}>
    <AssetDetails />
  </Show>
);

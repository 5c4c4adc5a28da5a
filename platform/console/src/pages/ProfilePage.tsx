import AddIcon from '@mui/icons-material/Add';
import BlockIcon from '@mui/icons-material/Block';
import { Button, Chip, Grid, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { Confirm, Loading, maxLength, maxValue, minValue, NumberInput, required, TextInput, Title, useDataProvider, useNotify, useTranslate } from 'react-admin';
import type { ApiToken } from '../api/types';
import { PasswordChangeForm } from '../auth/PasswordChangeForm';
import { DateTimeText } from '../components/fields';
import { FormDialog } from '../components/FormDialog';
import { OneTimeSecretDialog } from '../components/OneTimeSecretDialog';
import { SectionCard } from '../components/Section';
import type { YiyunDataProvider } from '../providers/dataProvider';
import { AccountSummary } from './AccountSummary';
import { useMe } from './useMe';

const Tokens = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<YiyunDataProvider>();
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const load = useCallback(() => {
    dataProvider.listTokens().then(
      (r) => setTokens(r.items),
      (err: Error) => notify(err.message, { type: 'error' }),
    );
  }, [dataProvider, notify]);
  useEffect(load, [load]);

  return (
    <SectionCard
      title="yiyun.profile.tokens"
      testId="profile-tokens"
      action={
        <Button size="small" startIcon={<AddIcon />} onClick={() => setCreating(true)} data-testid="token-create">
          {translate('yiyun.profile.create_token')}
        </Button>
      }
    >
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {translate('yiyun.profile.tokens_intro')}
      </Typography>
      {tokens === null ? (
        <Loading />
      ) : tokens.length === 0 ? (
        <Typography variant="body2" sx={{ py: 2 }}>
          {translate('yiyun.profile.no_tokens')}
        </Typography>
      ) : (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>{translate('yiyun.profile.token_name')}</TableCell>
              <TableCell>{translate('yiyun.profile.token_created')}</TableCell>
              <TableCell>{translate('yiyun.profile.token_expires')}</TableCell>
              <TableCell>{translate('yiyun.profile.token_last_used')}</TableCell>
              <TableCell>{translate('yiyun.profile.token_state')}</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {tokens.map((t) => (
              <TableRow key={t.id}>
                <TableCell>{t.name}</TableCell>
                <TableCell>
                  <DateTimeText value={t.createdAt} />
                </TableCell>
                <TableCell>
                  <DateTimeText value={t.expiresAt} />
                </TableCell>
                <TableCell>
                  <DateTimeText value={t.lastUsedAt} empty="yiyun.common.never" />
                </TableCell>
                <TableCell>
                  <Chip size="small" color={t.revoked ? 'default' : 'success'} label={translate(t.revoked ? 'yiyun.profile.revoked' : 'yiyun.profile.active')} />
                </TableCell>
                <TableCell align="right">
                  {!t.revoked && (
                    <Button size="small" color="error" startIcon={<BlockIcon />} onClick={() => setRevoking(t)}>
                      {translate('yiyun.profile.revoke')}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <FormDialog<{ name: string; expiresInDays: number }>
        open={creating}
        title={translate('yiyun.profile.create_token')}
        record={{ name: '', expiresInDays: 90 }}
        maxWidth="sm"
        onClose={() => setCreating(false)}
        onSubmit={async (values) => {
          const created = await dataProvider.createToken({ name: values.name.trim(), expiresInDays: Number(values.expiresInDays) });
          setShown(created.token);
          load();
        }}
      >
        <TextInput source="name" label="yiyun.profile.token_name" validate={[required(), maxLength(100)]} />
        <NumberInput source="expiresInDays" label="yiyun.profile.token_expires_in" min={1} max={365} validate={[required(), minValue(1), maxValue(365)]} />
      </FormDialog>
      <OneTimeSecretDialog title="yiyun.one_time.token_title" secret={shown} onClose={() => setShown(null)} />
      <Confirm
        isOpen={revoking !== null}
        title={translate('yiyun.profile.revoke_title', { name: revoking?.name ?? '' })}
        content={translate('yiyun.profile.revoke_content')}
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          const t = revoking;
          setRevoking(null);
          if (!t) return;
          try {
            await dataProvider.revokeToken(t.id);
            notify('yiyun.profile.token_revoked', { type: 'success' });
          } catch (err) {
            notify((err as Error).message, { type: 'error' });
          }
          load();
        }}
      />
    </SectionCard>
  );
};

/** "我的": the own account, a voluntary password change and the own API tokens. */
export const ProfilePage = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const { me, refetch } = useMe();
  const [formKey, setFormKey] = useState(0);
  if (!me) return <Loading />;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }} data-testid="profile">
      <Title title={translate('yiyun.profile.title')} />
      <Grid size={{ xs: 12, lg: 7 }}>
        <SectionCard title="yiyun.dashboard.account">
          <AccountSummary me={me} />
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, lg: 5 }}>
        <SectionCard title="yiyun.profile.change_password">
          <PasswordChangeForm
            key={formKey}
            onDone={() => {
              notify('yiyun.password_change.done', { type: 'success' });
              setFormKey((k) => k + 1);
              void refetch();
            }}
          />
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <Tokens />
      </Grid>
    </Grid>
  );
};

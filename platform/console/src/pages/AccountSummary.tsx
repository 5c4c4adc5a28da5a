import { Chip, Stack, Typography } from '@mui/material';
import { RecordContextProvider, ReferenceField, TextField, useTranslate } from 'react-admin';
import type { Me } from '../api/types';
import { DateTimeText, Mono, RoleChips } from '../components/fields';
import { FieldGrid, Item } from '../components/Section';

const DAY_MS = 86_400_000;

/** The logged-in account at a glance: login id, roles, tenant, last login, password expiry, second factor. */
export const AccountSummary = ({ me }: { me: Me }) => {
  const translate = useTranslate();
  const a = me.account;
  const daysLeft = Math.floor((new Date(me.passwordExpiresAt).getTime() - Date.now()) / DAY_MS);
  return (
    <RecordContextProvider value={a}>
      <FieldGrid>
        <Item label="yiyun.dashboard.login_id">
          <Mono>{a.loginId}</Mono>
        </Item>
        <Item label="yiyun.dashboard.roles">
          <RoleChips roles={a.roles} />
        </Item>
        <Item label="yiyun.dashboard.tenant">
          {a.tenantId ? (
            <ReferenceField source="tenantId" reference="tenants" resource="accounts" link={false}>
              <TextField source="name" />
            </ReferenceField>
          ) : (
            <span>{translate('yiyun.common.platform')}</span>
          )}
        </Item>
        <Item label="yiyun.dashboard.last_login">
          <Typography variant="body2" component="span">
            <DateTimeText value={a.lastLoginAt} empty="yiyun.common.never" />
            {a.lastLoginIp ? ` · ${a.lastLoginIp}` : ''}
          </Typography>
        </Item>
        <Item label="yiyun.dashboard.password_expires">
          <Stack direction="row" spacing={1} alignItems="center">
            <DateTimeText value={me.passwordExpiresAt} />
            <Chip
              size="small"
              data-testid="password-days-left"
              color={daysLeft < 0 ? 'error' : daysLeft < 14 ? 'warning' : 'success'}
              label={daysLeft < 0 ? translate('yiyun.dashboard.expired') : translate('yiyun.dashboard.days_left', { smart_count: daysLeft })}
            />
          </Stack>
        </Item>
        <Item label="yiyun.dashboard.mfa">
          <Chip size="small" variant="outlined" color={a.mfaEnrolled ? 'success' : me.mfaRequired ? 'error' : 'default'} label={translate(a.mfaEnrolled ? 'yiyun.dashboard.mfa_on' : 'yiyun.dashboard.mfa_off')} />
        </Item>
      </FieldGrid>
    </RecordContextProvider>
  );
};

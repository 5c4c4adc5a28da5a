import { Box, Chip, Grid, Stack } from '@mui/material';
import { BooleanField, ReferenceField, Show, TextField, useRecordContext, useTranslate } from 'react-admin';
import type { Account } from '../../api/types';
import { DateTimeField, Mono, RoleChips, StatusChip } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { AccountShowActions } from './AccountActions';
import { ACCOUNT_STATUS_TONES } from './AccountList';

const Restrictions = () => {
  const account = useRecordContext<Account>();
  const translate = useTranslate();
  if (!account) return null;
  const none = <span>{translate('resources.accounts.restrictions.none')}</span>;
  return (
    <FieldGrid>
      <Item source="allowedCidrs">
        {account.allowedCidrs.length ? (
          <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
            {account.allowedCidrs.map((c) => (
              <Chip key={c} size="small" label={c} sx={{ fontFamily: 'monospace' }} />
            ))}
          </Stack>
        ) : (
          none
        )}
      </Item>
      <Item source="allowedWindows">
        {account.allowedWindows.length ? (
          <Stack spacing={0.5}>
            {account.allowedWindows.map((w, i) => (
              <span key={i}>
                {w.days.map((d) => translate(`yiyun.days.${d}`)).join('、')} {w.from}–{w.to}
              </span>
            ))}
          </Stack>
        ) : (
          none
        )}
      </Item>
    </FieldGrid>
  );
};

const AccountDetails = () => {
  const account = useRecordContext<Account>();
  const translate = useTranslate();
  if (!account) return null;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.accounts.sections.identity">
          <FieldGrid>
            <Item source="loginId">
              <Mono>{account.loginId}</Mono>
            </Item>
            <Item source="displayName">
              <TextField source="displayName" />
            </Item>
            <Item source="roles">
              <RoleChips roles={account.roles} />
            </Item>
            <Item source="tenantId">
              <ReferenceField source="tenantId" reference="tenants" link="show" emptyText={translate('yiyun.common.platform')}>
                <TextField source="name" />
              </ReferenceField>
            </Item>
            <Item source="email">
              <TextField source="email" emptyText="yiyun.common.none" />
            </Item>
            <Item source="phone">
              <TextField source="phone" emptyText="yiyun.common.none" />
            </Item>
            <Item source="status">
              <StatusChip resource="accounts" group="status" value={account.status} tones={ACCOUNT_STATUS_TONES} />
            </Item>
            <Item source="createdAt">
              <DateTimeField source="createdAt" />
            </Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.accounts.sections.security">
          <FieldGrid>
            <Item source="locked">
              <Box>
                <BooleanField source="locked" />
                {account.lockedUntil && <DateTimeField source="lockedUntil" />}
              </Box>
            </Item>
            <Item source="mfaEnrolled">
              <BooleanField source="mfaEnrolled" />
            </Item>
            <Item source="mustChangePassword">
              <BooleanField source="mustChangePassword" />
            </Item>
            <Item source="passwordChangedAt">
              <DateTimeField source="passwordChangedAt" />
            </Item>
            <Item source="lastLoginAt">
              <DateTimeField source="lastLoginAt" empty="yiyun.common.never" />
            </Item>
            <Item source="lastLoginIp">
              <TextField source="lastLoginIp" emptyText="yiyun.common.none" />
            </Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title="resources.accounts.sections.restrictions">
          <Restrictions />
        </SectionCard>
      </Grid>
    </Grid>
  );
};

/** One account: identity, security state and login restrictions, with the actions the viewer may take. */
export const AccountShow = () => (
  <Show actions={<AccountShowActions />} component="div">
    <AccountDetails />
  </Show>
);

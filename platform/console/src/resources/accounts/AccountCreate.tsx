import { Alert } from '@mui/material';
import { useState } from 'react';
import { AutocompleteInput, Create, FormDataConsumer, ReferenceInput, required, SimpleForm, TextInput, useNotify, useRedirect, useTranslate } from 'react-admin';
import { PLATFORM_ROLES, ROLE_IDS, type RoleId } from '../../api/types';
import { OneTimeSecretDialog } from '../../components/OneTimeSecretDialog';
import { FormGrid, FormHeading } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { AccountDetailInputs } from './AccountInputs';

const LOGIN_ID = /^([A-Za-z][A-Za-z0-9._-]{2,63}|\+?\d{6,15}|[^@\s]+@[^@\s]+\.[^@\s]+)$/;
const validateLoginId = [required(), (v: string | undefined) => (v && !LOGIN_ID.test(v.trim()) ? 'resources.accounts.helpers.loginId' : undefined)];

/** A new account; its one-time password comes back once and is shown once, then the account page opens. */
export const AccountCreate = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  const [created, setCreated] = useState<{ id: string; password: string } | null>(null);
  // A tenant administrator grants tenant roles in its own tenant only (the API places the account there).
  const { permissions } = usePerms();
  const tenantAdmin = !permissions.includes('account.manage');
  const roles = tenantAdmin ? ROLE_IDS.filter((r) => !PLATFORM_ROLES.includes(r)) : ROLE_IDS;
  return (
    <>
      <Create
        // A tenant picked before switching back to platform roles must not travel (the API refuses the mix).
        transform={(data: { roles?: RoleId[]; tenantId?: string }) =>
          (data.roles ?? []).every((r) => PLATFORM_ROLES.includes(r)) ? { ...data, tenantId: undefined } : data
        }
        mutationOptions={{
          onSuccess: (data: { id: string; initialPassword?: string }) => {
            notify('resources.accounts.notifications.created', { type: 'success' });
            if (data.initialPassword) setCreated({ id: data.id, password: data.initialPassword });
            else redirect('show', 'accounts', data.id);
          },
        }}
      >
        <SimpleForm defaultValues={{ roles: [] }}>
          <FormHeading title="resources.accounts.sections.identity" />
          <FormGrid>
            <TextInput source="loginId" validate={validateLoginId} helperText="resources.accounts.helpers.loginId" />
            <FormDataConsumer<{ roles?: RoleId[] }>>
              {({ formData }) =>
                !tenantAdmin && (formData.roles ?? []).some((r) => !PLATFORM_ROLES.includes(r)) ? (
                  <ReferenceInput source="tenantId" reference="tenants" sort={{ field: 'name', order: 'ASC' }}>
                    <AutocompleteInput optionText="name" validate={required()} helperText="resources.accounts.helpers.tenantId" />
                  </ReferenceInput>
                ) : (
                  <span />
                )
              }
            </FormDataConsumer>
          </FormGrid>
          <AccountDetailInputs roles={roles} />
          <Alert severity="info" sx={{ width: '100%', mt: 1 }}>
            {translate('resources.accounts.helpers.initial_password')}
          </Alert>
        </SimpleForm>
      </Create>
      <OneTimeSecretDialog
        title="yiyun.one_time.password_title"
        secret={created?.password ?? null}
        onClose={() => {
          const id = created?.id;
          setCreated(null);
          if (id) redirect('show', 'accounts', id);
        }}
      />
    </>
  );
};

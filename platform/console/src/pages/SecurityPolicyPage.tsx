import { Alert, Box, Card, CardContent, Grid, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Form, Loading, maxValue, minValue, NumberInput, required, SaveButton, Title, Toolbar, useDataProvider, useNotify, useTranslate } from 'react-admin';
import { ApiError } from '../api/http';
import { POLICY_BOUNDS, type SecurityPolicy } from '../api/types';
import { FormHeading } from '../components/Section';
import { usePerms } from '../components/usePerms';
import type { YiyunDataProvider } from '../providers/dataProvider';

const GROUPS: Record<'password' | 'lockout' | 'session', (keyof SecurityPolicy)[]> = {
  password: ['passwordMinLength', 'passwordMinClasses', 'passwordHistory', 'passwordMaxAgeDays'],
  lockout: ['lockoutThreshold', 'lockoutMinutes'],
  session: ['sessionIdleMinutes', 'sessionAbsoluteHours'],
};

/** Password, lockout and session rules: readable with security_policy.read, editable with security_policy.update. */
export const SecurityPolicyPage = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<YiyunDataProvider>();
  const { can, isPending } = usePerms();
  const [policy, setPolicy] = useState<SecurityPolicy | null>(null);
  const readable = can('security-policy', 'read');
  const editable = can('security-policy', 'update');

  useEffect(() => {
    if (!readable) return;
    dataProvider.getSecurityPolicy().then(setPolicy, (err: Error) => notify(err.message, { type: 'error' }));
  }, [readable, dataProvider, notify]);

  if (isPending) return <Loading />;
  if (!readable) return <Alert severity="error" sx={{ mt: 2 }}>{translate('ra.message.access_denied')}</Alert>;
  if (!policy) return <Loading />;

  const save = async (values: Record<string, unknown>) => {
    const patch: Partial<SecurityPolicy> = {};
    for (const k of Object.keys(POLICY_BOUNDS) as (keyof SecurityPolicy)[]) {
      const v = Number(values[k]);
      if (v !== policy[k]) patch[k] = v;
    }
    if (Object.keys(patch).length === 0) return;
    try {
      setPolicy(await dataProvider.updateSecurityPolicy(patch));
      notify('yiyun.policy.saved', { type: 'success' });
    } catch (err) {
      notify((err as Error).message, { type: 'error' });
      if (err instanceof ApiError) {
        const { root: _root, ...fields } = (err.body?.errors ?? {}) as Record<string, unknown>;
        return fields;
      }
    }
  };

  return (
    <Box sx={{ mt: 2, maxWidth: 960 }} data-testid="security-policy">
      <Title title={translate('yiyun.policy.title')} />
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {translate('yiyun.policy.intro')}
      </Typography>
      {!editable && (
        <Alert severity="info" sx={{ mb: 2 }}>
          {translate('yiyun.policy.read_only')}
        </Alert>
      )}
      <Card>
        <Form record={policy} onSubmit={save}>
          <CardContent>
            {(Object.keys(GROUPS) as (keyof typeof GROUPS)[]).map((g) => (
              <Box key={g} sx={{ mb: 1 }}>
                <FormHeading title={`yiyun.policy.groups.${g}`} />
                <Grid container columnSpacing={2}>
                  {GROUPS[g].map((k) => {
                    const [min, max] = POLICY_BOUNDS[k];
                    return (
                      <Grid key={k} size={{ xs: 12, sm: 6, md: 3 }}>
                        <NumberInput source={k} label={`yiyun.policy.fields.${k}`} min={min} max={max} step={1} disabled={!editable} fullWidth validate={[required(), minValue(min), maxValue(max)]} helperText={`${min} – ${max}`} />
                      </Grid>
                    );
                  })}
                </Grid>
              </Box>
            ))}
          </CardContent>
          {editable && (
            <Toolbar>
              <SaveButton />
            </Toolbar>
          )}
        </Form>
      </Card>
    </Box>
  );
};

import { Box } from '@mui/material';
import { maxLength, maxValue, minValue, NumberInput, regex, required, TextInput } from 'react-admin';
import { QUOTA_KEYS, QUOTA_MAX } from '../../api/types';
import { FormGrid } from '../../components/Section';

export const validateCode = [required(), regex(/^[a-z][a-z0-9-]{1,39}$/, 'resources.tenants.helpers.code')];
export const validateName = [required(), maxLength(100)];
export const validatePhone = [regex(/^\+?[\d-]{6,20}$/, 'ra.validation.regex')];

/** Name, contact and description: the fields both create and edit carry. */
export const TenantDetailInputs = () => (
  <FormGrid>
    <TextInput source="contactName" validate={maxLength(50)} />
    <TextInput source="contactPhone" validate={validatePhone} />
    <Box sx={{ gridColumn: '1 / -1' }}>
      <TextInput source="description" multiline minRows={2} validate={maxLength(500)} fullWidth />
    </Box>
  </FormGrid>
);

/** The ten quota numbers, each bounded as the API bounds it; `prefix` is where they sit in the form. */
export const QuotaInputs = ({ prefix = '' }: { prefix?: string }) => (
  <FormGrid columns={5}>
    {QUOTA_KEYS.map((k) => (
      <NumberInput
        key={k}
        source={`${prefix}${k}`}
        label={`resources.tenants.quota.${k}`}
        min={0}
        max={QUOTA_MAX[k]}
        step={1}
        validate={[required(), minValue(0), maxValue(QUOTA_MAX[k])]}
      />
    ))}
  </FormGrid>
);

import { Alert } from '@mui/material';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Create, FormDataConsumer, NumberInput, RadioButtonGroupInput, ReferenceInput, SelectInput, SimpleForm, TextInput, required, useNotify, useTranslate } from 'react-admin';
import { ApiError } from '../../api/http';
import { FormGrid, FormHeading } from '../../components/Section';
import { parseTags, useCloud } from '../../cloud/kit';
import type { BatchAnswer, CloudResource } from '../../cloud/types';
import { cleanSpec, VmSpecInputs } from './VmSpecInputs';

/**
 * A VM from an image (every parameter here) or from a launch template (its parameters, overridable); with a
 * count above 1 the name is a pattern (`web-{n:2}` → web-01, web-02 …) and the batch route creates them all.
 */
export const VmCreate = () => {
  const dp = useCloud();
  const notify = useNotify();
  const navigate = useNavigate();
  const translate = useTranslate();
  const [errors, setErrors] = useState<string[]>([]);
  const submit = async (v: Record<string, any>) => {
    const count = Number(v.count ?? 1);
    const body = {
      name: String(v.name ?? '').trim(),
      ...(v.description ? { description: v.description } : {}),
      ...(v.mode === 'template' && v.templateId ? { templateId: v.templateId } : {}),
      tags: parseTags(v.tagsText),
      count,
      spec: v.mode === 'template' ? cleanSpec({ flavor: v.spec?.flavor, password: v.spec?.password }) : cleanSpec(v.spec),
    };
    try {
      if (count > 1) {
        const r = await dp.cloudPost<BatchAnswer>('vms/batch', body);
        setErrors(r.errors.map((e) => `${e.name}: ${e.message}`));
        notify(translate('resources.vms.notifications.batch_created', { smart_count: r.items.length }), { type: r.errors.length ? 'warning' : 'success' });
        if (!r.errors.length) navigate('/vms');
      } else {
        const r = await dp.cloudPost<CloudResource>('vms', body);
        notify('resources.vms.notifications.created', { type: 'success' });
        navigate(`/vms/${r.id}/show`);
      }
    } catch (err) {
      notify((err as Error).message || 'ra.notification.http_error', { type: 'error' });
      if (err instanceof ApiError) {
        const { root: _root, ...fieldErrors } = (err.body?.errors ?? {}) as Record<string, unknown>;
        return fieldErrors;
      }
    }
  };
  return (
    <Create>
      <SimpleForm onSubmit={submit} defaultValues={{ mode: 'image', count: 1, spec: { volumeType: 'ssd-sm4', dataDisks: [] } }}>
        {errors.length > 0 && <Alert severity="warning" sx={{ width: '100%' }}>{errors.join('；')}</Alert>}
        <FormHeading title="resources.vms.sections.basic" />
        <RadioButtonGroupInput source="mode" label="resources.vms.fields.mode" choices={[{ id: 'image', name: 'resources.vms.choices.mode.image' }, { id: 'template', name: 'resources.vms.choices.mode.template' }]} />
        <FormGrid columns={3}>
          <FormDataConsumer>
            {({ formData }) => (
              <TextInput source="name" validate={required()} helperText={Number(formData.count) > 1 ? 'resources.vms.helpers.pattern' : 'cloud.common.name_help'} />
            )}
          </FormDataConsumer>
          <NumberInput source="count" label="resources.vms.fields.count" min={1} max={50} validate={required()} helperText="resources.vms.helpers.count" />
          <TextInput source="tagsText" label="cloud.common.tags" helperText="cloud.common.tags_help" />
        </FormGrid>
        <FormDataConsumer>
          {({ formData }) =>
            formData.mode === 'template' ? (
              <FormGrid columns={2}>
                <ReferenceInput source="templateId" reference="templates">
                  <SelectInput optionText="name" label="resources.vms.fields.templateId" validate={required()} />
                </ReferenceInput>
              </FormGrid>
            ) : (
              <VmSpecInputs />
            )
          }
        </FormDataConsumer>
        <TextInput source="description" multiline fullWidth />
      </SimpleForm>
    </Create>
  );
};

import AddIcon from '@mui/icons-material/Add';
import { Button } from '@mui/material';
import { Link } from 'react-router-dom';
import { Create, DataTable, DeleteButton, List, SimpleForm, TextInput, required, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { FormGrid } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { CloudShow } from '../../cloud/CloudShow';
import { CloudListActions, cloudFilters, RowActions, SpecText, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';
import { cleanSpec, VmSpecInputs } from '../vms/VmSpecInputs';

/** "Create VMs from this template": the VM form, template mode, preselected. */
export const LaunchButton = () => {
  const r = useRecordContext<CloudResource>();
  const translate = useTranslate();
  const { can } = usePerms();
  if (!r || !can('vms', 'create')) return null;
  return (
    <Button size="small" startIcon={<AddIcon />} component={Link} to={`/vms/create?source=${encodeURIComponent(JSON.stringify({ mode: 'template', templateId: r.id }))}`} onClick={(e) => e.stopPropagation()} data-testid="template-launch">
      {translate('resources.templates.actions.launch')}
    </Button>
  );
};

export const TemplateList = () => (
  <List sx={listSx} filters={cloudFilters('templates')} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="spec.flavor" disableSort><SpecText path="flavor" /></DataTable.Col>
      <DataTable.Col source="spec.subnetIds" disableSort render={(r) => (r.spec.subnetIds ?? []).length} />
      <DataTable.Col source="description" disableSort />
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><LaunchButton /><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

/** A launch template: the VM parameters without a password (a template never stores one). */
export const TemplateCreate = () => (
  <Create redirect="show" transform={(v: Record<string, any>) => ({ name: v.name, ...(v.description ? { description: v.description } : {}), spec: cleanSpec(v.spec) })}>
    <SimpleForm defaultValues={{ spec: { volumeType: 'ssd-sm4', dataDisks: [] } }}>
      <FormGrid>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <TextInput source="description" />
      </FormGrid>
      <VmSpecInputs password={false} />
    </SimpleForm>
  </Create>
);

export const TemplateShow = () => <CloudShow actions={<LaunchButton />} />;

import { Box, Chip, Stack } from '@mui/material';
import { Create, DataTable, DeleteButton, List, NumberInput, SelectInput, SimpleForm, TextInput, required, useRecordContext, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { FormGrid, SectionCard } from '../../components/Section';
import { CloudShow } from '../../cloud/CloudShow';
import { CloudListActions, cloudFilters, RowActions, SpecText, StatusField, useRegion, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

/** The zone's public images (read-only), above the tenant's own imported ones. */
const PublicImages = () => {
  const { data } = useRegion();
  return (
    <Box sx={{ mt: 2 }}>
      <SectionCard title="resources.images.sections.public">
        <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap" data-testid="public-images">
          {(data?.images ?? []).map((i) => (
            <Chip key={i.id} variant="outlined" label={`${i.name} · ${i.osType} · ${i.format}`} />
          ))}
        </Stack>
      </SectionCard>
    </Box>
  );
};

const Os = ({ value }: { value: string }) => <>{useTranslate()(`resources.images.choices.osType.${value}`, { _: value })}</>;

export const ImageList = () => (
  <>
    <PublicImages />
    <List sx={listSx} filters={cloudFilters('images', ['importing', 'active'])} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />} queryOptions={{ refetchInterval: (q: any) => ((q.state.data?.data ?? []) as CloudResource[]).some((i) => i.status === 'importing') ? 1500 : false }}>
      <DataTable<CloudResource> rowClick="show">
        <DataTable.Col source="name" />
        <DataTable.Col source="spec.format" disableSort render={(r) => String(r.spec.format ?? '').toUpperCase()} />
        <DataTable.Col source="spec.osType" disableSort render={(r) => <Os value={r.spec.osType} />} />
        <DataTable.Col source="spec.osVersion" disableSort><SpecText path="osVersion" /></DataTable.Col>
        <DataTable.Col source="spec.sizeGb" disableSort><SpecText path="sizeGb" suffix=" GB" /></DataTable.Col>
        <DataTable.Col source="spec.visibility" disableSort><SpecText path="visibility" /></DataTable.Col>
        <DataTable.Col source="status"><StatusField /></DataTable.Col>
        <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
        <DataTable.Col label="cloud.common.actions" disableSort>
          <RowActions><DeleteButton mutationMode="pessimistic" /></RowActions>
        </DataTable.Col>
      </DataTable>
    </List>
  </>
);

/** Import a RAW, VHD or QCOW2 image (converted to raw: the conversion is recorded as a step). */
export const ImageCreate = () => (
  <Create redirect="list">
    <SimpleForm defaultValues={{ format: 'qcow2', osType: 'linux', sizeGb: 10, minDiskGb: 40 }}>
      <FormGrid columns={3}>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <SelectInput source="format" label="resources.images.fields.spec.format" choices={['raw', 'vhd', 'qcow2'].map((id) => ({ id, name: id.toUpperCase() }))} validate={required()} />
        <SelectInput source="osType" label="resources.images.fields.spec.osType" choices={choicesOf('images', 'osType', ['linux', 'windows'])} validate={required()} />
        <TextInput source="osVersion" label="resources.images.fields.spec.osVersion" />
        <NumberInput source="sizeGb" label="resources.images.fields.spec.sizeGb" min={1} max={2048} validate={required()} />
        <NumberInput source="minDiskGb" label="resources.images.fields.spec.minDiskGb" min={1} max={500} />
      </FormGrid>
      <TextInput source="sourceUrl" label="resources.images.fields.spec.sourceUrl" fullWidth helperText="resources.images.helpers.sourceUrl" />
    </SimpleForm>
  </Create>
);

const Steps = () => {
  const r = useRecordContext<CloudResource>();
  return (
    <Box component="ol" sx={{ m: 0, pl: 3, fontSize: 14 }} data-testid="image-steps">
      {((r?.spec.steps as string[]) ?? []).map((s, i) => <li key={i}>{s}</li>)}
    </Box>
  );
};

export const ImageShow = () => (
  <CloudShow hideSpec={['steps']}>
    <SectionCard title="resources.images.sections.steps"><Steps /></SectionCard>
  </CloudShow>
);

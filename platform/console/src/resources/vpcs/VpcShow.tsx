import AddIcon from '@mui/icons-material/Add';
import { Button, Grid } from '@mui/material';
import { Link } from 'react-router-dom';
import { DataTable, DeleteButton, ReferenceManyField, Show, TextField, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { TagsButton } from '../../cloud/dialogs';
import { SpecText, StatusField, TagsField } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

const AddSubnet = () => {
  const r = useRecordContext<CloudResource>();
  const translate = useTranslate();
  const { can } = usePerms();
  if (!r || !can('subnets', 'create')) return null;
  return (
    <Button size="small" startIcon={<AddIcon />} component={Link} to={`/subnets/create?source=${encodeURIComponent(JSON.stringify({ vpcId: r.id }))}`} data-testid="vpc-add-subnet">
      {translate('resources.vpcs.actions.add_subnet')}
    </Button>
  );
};

/** One VPC: its details, tags and subnets. */
export const VpcShow = () => (
  <Show
    component="div"
    actions={
      <TopToolbar>
        <TagsButton path="vpcs" />
        <DeleteButton mutationMode="pessimistic" />
      </TopToolbar>
    }
  >
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, lg: 5 }}>
        <SectionCard title="cloud.common.basic">
          <FieldGrid>
            <Item source="name"><TextField source="name" /></Item>
            <Item source="status"><StatusField /></Item>
            <Item source="spec.cidr"><SpecText path="cidr" /></Item>
            <Item source="spec.region"><SpecText path="region" /></Item>
            <Item source="tags"><TagsField /></Item>
            <Item source="createdAt"><DateTimeField source="createdAt" /></Item>
            <Item source="description"><TextField source="description" emptyText="yiyun.common.none" /></Item>
            <Item source="id"><TextField source="id" /></Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, lg: 7 }}>
        <SectionCard title="resources.vpcs.sections.subnets" action={<AddSubnet />}>
          <ReferenceManyField reference="subnets" target="parentId" perPage={100}>
            <DataTable rowClick="show" bulkActionButtons={false} resource="subnets">
              <DataTable.Col source="name" />
              <DataTable.Col source="spec.cidr" disableSort><SpecText path="cidr" /></DataTable.Col>
              <DataTable.Col source="spec.stack" disableSort><SpecText path="stack" /></DataTable.Col>
              <DataTable.Col source="spec.az" disableSort><SpecText path="az" /></DataTable.Col>
              <DataTable.Col source="status"><StatusField /></DataTable.Col>
            </DataTable>
          </ReferenceManyField>
        </SectionCard>
      </Grid>
    </Grid>
  </Show>
);

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { cloudsQuery } from '../api/clouds';
import type { Cloud, Machine } from '../api/types';
import { usePermissions } from '../auth/permissions';
import { NewContainerShortcut } from '../clouds/NewContainerShortcut';
import { useProviderMeta } from '../providers/meta';
import { Alert } from '../ui/Alert';
import { EmptyState } from '../ui/EmptyState';
import { ServerIcon } from '../ui/icons';
import { Page } from '../ui/Page';
import { QueryState } from '../ui/QueryState';
import styles from './CreateMachinePage.module.css';
import { CreationProgress } from './create/CreationProgress';
import { DetailsStep, ImageStep, SizeStep, Summary, WhereStep } from './create/steps';
import { useCreateMachineForm } from './create/useCreateMachineForm';

export function CreateMachinePage() {
  const providerMeta = useProviderMeta();
  const clouds = useQuery(cloudsQuery);
  const permissions = usePermissions();
  const [created, setCreated] = useState<{ machine: Machine; cloud: Cloud } | null>(null);
  const creatable = (clouds.data ?? []).filter((c) => c.enabled && providerMeta(c.provider).features.create);

  if (created) {
    return (
      <Page title={`Creating ${created.machine.name}`} back={{ to: '/machines', label: 'Machines' }}>
        <CreationProgress
          machine={created.machine}
          cloud={created.cloud}
          onAnother={() => setCreated(null)}
        />
      </Page>
    );
  }
  return (
    <Page
      title="Create a machine"
      back={{ to: '/machines', label: 'Machines' }}
      description="Pick where it runs, its size and image, then name it. It appears in Machines right away."
    >
      {clouds.data && permissions.can('machines', 'create') && <NewContainerShortcut clouds={clouds.data} />}
      <QueryState query={clouds}>
        {!permissions.can('machines', 'create') ? (
          <Alert tone="info">
            Your role can view machines but not create them. Ask an admin of your organization.
          </Alert>
        ) : creatable.length === 0 ? (
          <EmptyState
            icon={<ServerIcon />}
            title="No cloud to create machines in"
            link={{ to: '/clouds', label: 'Go to Clouds' }}
          >
            <p>
              Add an AWS, Google Cloud, DigitalOcean or KVM cloud (or enable one) to create machines from
              here; a Docker engine takes containers.
            </p>
          </EmptyState>
        ) : (
          <CreateForm clouds={creatable} onCreated={(machine, cloud) => setCreated({ machine, cloud })} />
        )}
      </QueryState>
    </Page>
  );
}

function CreateForm({
  clouds,
  onCreated,
}: {
  clouds: Cloud[];
  onCreated: (machine: Machine, cloud: Cloud) => void;
}) {
  const form = useCreateMachineForm(clouds, onCreated);
  return (
    <form
      className={styles.layout}
      onSubmit={(event) => {
        event.preventDefault();
        form.submit();
      }}
      noValidate
      aria-busy={form.create.isPending}
    >
      <div className={styles.steps}>
        <WhereStep form={form} />
        <SizeStep form={form} />
        <ImageStep form={form} />
        <DetailsStep form={form} />
      </div>
      <Summary form={form} />
    </form>
  );
}

import { deployStack } from '../api/stacks';
import type { TemplateInput } from '../api/types';
import { DeployDialog } from '../stacks/DeployDialog';

/** Deploys one version of a template, asking for its inputs (the template list and page open it). */
export function DeployTemplateDialog({
  template,
  version,
  inputs,
  onClose,
}: {
  template: { id: string; name: string; description: string };
  version: number;
  inputs: Record<string, TemplateInput>;
  onClose: () => void;
}) {
  return (
    <DeployDialog
      title={`Deploy ${template.name}, version ${version}`}
      description={template.description}
      inputs={inputs}
      deploy={(body) => deployStack({ templateId: template.id, version, ...body })}
      onClose={onClose}
    />
  );
}

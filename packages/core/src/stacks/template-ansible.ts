import type { TemplateAnsibleStep } from '@overcast/contracts';
import { extraVarNameProblem, parseRequirements, playbookProblem } from '../automation/ansible/playbook';
import { DomainError } from '../errors';

/** A problem in a template's meaning, at a path of the document. */
export interface MeaningProblem {
  path: (string | number)[];
  message: string;
  /** For a problem inside a multi-line value (a playbook): its line there, counted from 1. */
  lineInValue?: number;
}

/**
 * An ansible step is held to the ansible script kind's rules: its playbook is a list of plays
 * (a problem carries the playbook's own line, which the parser turns into the template's), its
 * requirements name installed collections only, and its env names are no variables of Ansible's.
 */
export function ansibleStepProblems(base: string[], step: TemplateAnsibleStep): MeaningProblem[] {
  const problems: MeaningProblem[] = [];
  const playbook = playbookProblem(step.playbook);
  if (playbook)
    problems.push({
      path: [...base, 'playbook'],
      message: playbook.message.charAt(0).toUpperCase() + playbook.message.slice(1),
      lineInValue: playbook.line,
    });
  if (step.requirements?.trim()) {
    try {
      parseRequirements(step.requirements);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      problems.push({ path: [...base, 'requirements'], message: err.message });
    }
  }
  for (const name of Object.keys(step.env ?? {})) {
    const message = extraVarNameProblem(name);
    if (message) problems.push({ path: [...base, 'env', name], message });
  }
  return problems;
}

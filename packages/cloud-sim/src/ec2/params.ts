import { Ec2Error, invalidValue, missingParameter } from './errors';

interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

export interface Filter {
  name: string;
  values: string[];
}

export interface TagSpec {
  resourceType: string;
  tags: Map<string, string>;
}

/**
 * EC2 Query parameters (`Filter.1.Value.2=x`) read as a tree, so lists and nested structs
 * come out in index order whatever order the client sent them in.
 */
export class QueryParams {
  private constructor(private readonly root: ParamNode) {}

  static parse(form: URLSearchParams): QueryParams {
    const root: ParamNode = {};
    for (const [key, value] of form) {
      let cursor = root;
      for (const part of key.split('.')) {
        cursor.children ??= new Map();
        let next = cursor.children.get(part);
        if (!next) {
          next = {};
          cursor.children.set(part, next);
        }
        cursor = next;
      }
      cursor.value = value;
    }
    return new QueryParams(root);
  }

  str(name: string): string | undefined {
    return this.root.children?.get(name)?.value;
  }

  required(name: string): string {
    const value = this.str(name);
    if (value === undefined || value === '') throw missingParameter(name);
    return value;
  }

  int(name: string, range: { min?: number; max?: number; param?: string } = {}): number | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    const label = range.param ?? name;
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
      throw invalidValue(`Invalid value '${raw}' for ${label}`);
    }
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
      throw invalidValue(
        `Value ( ${value} ) for parameter ${label} is invalid. Expecting a value between ${range.min ?? '-'} and ${range.max ?? '-'}.`,
      );
    }
    return value;
  }

  bool(name: string): boolean {
    const raw = this.str(name);
    if (raw === undefined) return false;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw invalidValue(`Invalid value '${raw}' for ${name}: expecting true or false`);
  }

  /** `Name.1=a&Name.2=b` -> ['a', 'b']. */
  list(name: string): string[] {
    return this.numbered(this.root.children?.get(name))
      .map((n) => n.value)
      .filter((v): v is string => v !== undefined);
  }

  /** Numbered sub-structures (`TagSpecification.1.*`), each read like a request of its own. */
  structs(name: string): QueryParams[] {
    return this.numbered(this.root.children?.get(name)).map((n) => new QueryParams(n));
  }

  sub(name: string): QueryParams {
    return new QueryParams(this.root.children?.get(name) ?? {});
  }

  filters(): Filter[] {
    return this.structs('Filter').map((f) => {
      const name = f.str('Name');
      if (!name) throw new Ec2Error('InvalidParameterValue', 'The filter name must be specified');
      return { name, values: f.list('Value') };
    });
  }

  /** `Tag.N.Key` / `Tag.N.Value` pairs; a missing value means "" as in EC2. */
  tags(name = 'Tag'): Map<string, string> {
    const out = new Map<string, string>();
    for (const t of this.structs(name)) {
      const key = t.str('Key');
      if (key === undefined) throw missingParameter(`${name}.Key`);
      out.set(key, t.str('Value') ?? '');
    }
    return out;
  }

  tagSpecifications(): TagSpec[] {
    return this.structs('TagSpecification').map((s) => ({
      resourceType: s.required('ResourceType'),
      tags: s.tags('Tag'),
    }));
  }

  private numbered(node: ParamNode | undefined): ParamNode[] {
    if (!node?.children) return [];
    return [...node.children]
      .filter(([k]) => /^\d+$/.test(k))
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([, v]) => v);
  }
}

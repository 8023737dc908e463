// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell source under test
import { describe, expect, it } from 'vitest';
import { tokenize, tokenizeYaml } from './highlight';

describe('tokenize', () => {
  it('colours comments, strings, variables and keywords, and loses no character', () => {
    const source = '#!/bin/sh\n# greet\nif [ -n "$NAME" ]; then echo \'hi\' ${NAME}; fi # done\nurl=a#b\n';
    const tokens = tokenize(source);
    expect(tokens.map((t) => t.text).join('')).toBe(source);
    const of = (kind: string) => tokens.filter((t) => t.kind === kind).map((t) => t.text);
    expect(of('shebang')).toEqual(['#!/bin/sh']);
    expect(of('comment')).toEqual(['# greet', '# done']);
    expect(of('string')).toEqual(['"$NAME"', "'hi'"]);
    expect(of('variable')).toEqual(['${NAME}']);
    expect(of('keyword')).toEqual(['if', 'then', 'fi']);
  });
});

describe('tokenizeYaml', () => {
  it('colours a playbook: keys, comments, strings and Jinja, losing no character', () => {
    const source =
      '# deploy\n- hosts: all\n  tasks:\n    - name: "say {{ GREETING }}"\n      ansible.builtin.debug:\n        msg: {{ who }} # why\n';
    const tokens = tokenizeYaml(source);
    expect(tokens.map((t) => t.text).join('')).toBe(source);
    const of = (kind: string) => tokens.filter((t) => t.kind === kind).map((t) => t.text);
    expect(of('keyword')).toEqual(['hosts', 'tasks', 'name', 'ansible.builtin.debug', 'msg']);
    expect(of('comment')).toEqual(['# deploy', '# why']);
    expect(of('string')).toEqual(['"say {{ GREETING }}"']);
    expect(of('variable')).toEqual(['{{ who }}']);
  });
});
